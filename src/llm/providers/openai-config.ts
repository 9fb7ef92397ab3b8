/**
 * OpenAI: usage arrives in a last chunk with empty `choices` when `stream_options.include_usage` is
 * set; a spent account answers 429 with `insufficient_quota`, which the shared table already reads.
 * @see https://platform.openai.com/docs/api-reference/chat/create#chat-create-stream_options
 * @see https://platform.openai.com/docs/guides/error-codes/api-errors
 */
import type { OpenAICompatibleConfig } from './openai-compatible-provider.js';

export const openAIConfig: OpenAICompatibleConfig = {
  id: 'openai',
  sendsIncludeUsage: true,
  readUsage: (chunk) => chunk.usage,
};
