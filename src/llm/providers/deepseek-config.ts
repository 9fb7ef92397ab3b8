/**
 * DeepSeek: OpenAI-compatible with `stream_options.include_usage`. Its quirks are in the errors: an
 * empty balance is 402 "Insufficient Balance", and an unknown model is 400 "Model Not Exist" with the
 * generic `invalid_request_error` code rather than a 404.
 * @see https://api-docs.deepseek.com/api/create-chat-completion
 * @see https://api-docs.deepseek.com/quick_start/error_codes
 */
import type { OpenAICompatibleConfig } from './openai-compatible-provider.js';

export const deepSeekConfig: OpenAICompatibleConfig = {
  id: 'deepseek',
  sendsIncludeUsage: true,
  readUsage: (chunk) => chunk.usage,
  classifyError: (status, detail) => {
    if (status === 400 && detail?.message && /model not exist/i.test(detail.message))
      return 'model_not_found';
    return undefined;
  },
};
