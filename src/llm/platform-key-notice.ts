/**
 * What BestAI says when this server has no platform key (`PLATFORM_ANTHROPIC_API_KEY`): without it, only a
 * workspace's own keys answer, so a new instance answers nobody until someone adds a key. One sentence,
 * shared by the start banner and the chatbot preview, so both say the same thing.
 */
export const noPlatformKeyNotice =
  'This server has no platform key: visitors get no answer yet. Add your own key to start chatting, or set PLATFORM_ANTHROPIC_API_KEY.';
