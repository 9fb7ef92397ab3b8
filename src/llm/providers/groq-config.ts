/**
 * Groq: OpenAI-compatible, but streamed usage is reported in `x_groq.usage` on the chunk that carries
 * `finish_reason`, so no `stream_options` is sent (a top-level `usage`, when present, is the same).
 * @see https://console.groq.com/docs/api-reference#chat-create
 * @see https://console.groq.com/docs/errors
 */
import type { OpenAICompatibleConfig } from './openai-compatible-provider.js';

export const groqConfig: OpenAICompatibleConfig = {
  id: 'groq',
  sendsIncludeUsage: false,
  readUsage: (chunk) => chunk.x_groq?.usage ?? chunk.usage,
};
