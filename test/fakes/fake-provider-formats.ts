/**
 * The wire formats the fake providers speak: each provider's streamed chunks, error bodies and model
 * lists, shaped like the real APIs (recorded shapes, our own text). Text chunks are encoded once and
 * cached per model, so the fake stays cheap enough to be a benchmark baseline.
 *
 * @see https://docs.anthropic.com/en/docs/build-with-claude/streaming
 * @see https://docs.anthropic.com/en/api/errors
 * @see https://platform.openai.com/docs/api-reference/chat/streaming
 * @see https://platform.openai.com/docs/guides/error-codes/api-errors
 * @see https://console.groq.com/docs/errors
 * @see https://api-docs.deepseek.com/quick_start/error_codes
 */
import type { ProviderId } from '../../src/llm/providers/provider-types.js';

export interface ReplyShape {
  provider: ProviderId;
  model: string;
  /** OpenAI and DeepSeek send the final usage chunk only when asked; Groq adds a top-level `usage` then. */
  includeUsage: boolean;
  inputTokens: number;
  outputTokens: number;
  requestNumber: number;
}

export interface ErrorAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

const created = Math.floor(Date.now() / 1000);

function sseData(payload: string): string {
  return `data: ${payload}\n\n`;
}

function anthropicEvent(name: string, payload: string): string {
  return `event: ${name}\ndata: ${payload}\n\n`;
}

function openAIChunk(shape: ReplyShape, choice: string, extra = ''): string {
  const usage = shape.includeUsage && shape.provider !== 'groq' ? ',"usage":null' : '';
  return sseData(
    `{"id":"chatcmpl-fake${shape.requestNumber}","object":"chat.completion.chunk","created":${created},` +
      `"model":${JSON.stringify(shape.model)},"system_fingerprint":"fp_fake","choices":[${choice}]${usage}${extra}}`,
  );
}

/** Everything before the first text: `message_start` and friends, or the role chunk. */
export function encodeHead(shape: ReplyShape): string {
  if (shape.provider === 'anthropic') {
    return (
      anthropicEvent(
        'message_start',
        `{"type":"message_start","message":{"id":"msg_fake${shape.requestNumber}","type":"message","role":"assistant",` +
          `"model":${JSON.stringify(shape.model)},"content":[],"stop_reason":null,"stop_sequence":null,"usage":` +
          `{"input_tokens":${shape.inputTokens},"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":1}}}`,
      ) +
      anthropicEvent(
        'content_block_start',
        '{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}',
      ) +
      anthropicEvent('ping', '{"type": "ping"}')
    );
  }
  const keepAlive = shape.provider === 'deepseek' ? ': keep-alive\n\n' : '';
  const groqId = shape.provider === 'groq' ? `,"x_groq":{"id":"req_fake${shape.requestNumber}"}` : '';
  return (
    keepAlive +
    openAIChunk(
      shape,
      '{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}',
      groqId,
    )
  );
}

/** One text delta. */
export function encodeText(shape: ReplyShape, text: string): string {
  if (shape.provider === 'anthropic') {
    return anthropicEvent(
      'content_block_delta',
      `{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":${JSON.stringify(text)}}}`,
    );
  }
  return openAIChunk(
    shape,
    `{"index":0,"delta":{"content":${JSON.stringify(text)}},"logprobs":null,"finish_reason":null}`,
  );
}

/** Stop reason, usage and the end marker. */
export function encodeTail(shape: ReplyShape): string {
  const { inputTokens, outputTokens } = shape;
  if (shape.provider === 'anthropic') {
    return (
      anthropicEvent('content_block_stop', '{"type":"content_block_stop","index":0}') +
      anthropicEvent(
        'message_delta',
        `{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":${outputTokens}}}`,
      ) +
      anthropicEvent('message_stop', '{"type":"message_stop"}')
    );
  }
  const stop = '{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}';
  const total = inputTokens + outputTokens;
  if (shape.provider === 'groq') {
    const usage =
      `{"queue_time":0.01,"prompt_tokens":${inputTokens},"prompt_time":0.001,"completion_tokens":${outputTokens},` +
      `"completion_time":0.02,"total_tokens":${total},"total_time":0.021}`;
    const topLevel = shape.includeUsage ? `,"usage":${usage}` : '';
    return (
      openAIChunk(
        shape,
        stop,
        `,"x_groq":{"id":"req_fake${shape.requestNumber}","usage":${usage}}${topLevel}`,
      ) + sseData('[DONE]')
    );
  }
  let usageChunk = '';
  if (shape.includeUsage) {
    const details =
      shape.provider === 'deepseek'
        ? `,"prompt_tokens_details":{"cached_tokens":0},"prompt_cache_hit_tokens":0,"prompt_cache_miss_tokens":${inputTokens}`
        : ',"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}';
    usageChunk = sseData(
      `{"id":"chatcmpl-fake${shape.requestNumber}","object":"chat.completion.chunk","created":${created},` +
        `"model":${JSON.stringify(shape.model)},"system_fingerprint":"fp_fake","choices":[],` +
        `"usage":{"prompt_tokens":${inputTokens},"completion_tokens":${outputTokens},"total_tokens":${total}${details}}}`,
    );
  }
  return openAIChunk(shape, stop) + usageChunk + sseData('[DONE]');
}

/** An error sent after the stream has started (HTTP 200 already on the wire). */
export function encodeStreamError(provider: ProviderId, body?: unknown): string {
  if (provider === 'anthropic') {
    return anthropicEvent(
      'error',
      JSON.stringify(body ?? { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }),
    );
  }
  return sseData(
    JSON.stringify(
      body ?? {
        error: {
          message: 'The server had an error while processing your request. Sorry about that!',
          type: 'server_error',
          param: null,
          code: null,
        },
      },
    ),
  );
}

function anthropicError(status: number, type: string, message: string): ErrorAnswer {
  return { status, body: { type: 'error', error: { type, message }, request_id: 'req_fake' } };
}

function openAIError(status: number, message: string, type: string, code: string | null): ErrorAnswer {
  return { status, body: { error: { message, type, param: null, code } } };
}

/** 401 for a key the fake was told to reject. OpenAI's message repeats the key, as the real one does. */
export function invalidKeyError(provider: ProviderId, apiKey: string): ErrorAnswer {
  switch (provider) {
    case 'anthropic':
      return anthropicError(401, 'authentication_error', 'invalid x-api-key');
    case 'openai':
      return openAIError(
        401,
        `Incorrect API key provided: ${apiKey}. You can find your API key at https://platform.openai.com/account/api-keys.`,
        'invalid_request_error',
        'invalid_api_key',
      );
    case 'groq':
      return {
        status: 401,
        body: {
          error: { message: 'Invalid API Key', type: 'invalid_request_error', code: 'invalid_api_key' },
        },
      };
    case 'deepseek':
      return openAIError(
        401,
        `Authentication Fails, Your api key: ****${apiKey.slice(-4)} is invalid`,
        'authentication_error',
        'invalid_request_error',
      );
  }
}

/** 401 when no key was sent at all. */
export function missingKeyError(provider: ProviderId): ErrorAnswer {
  if (provider === 'anthropic')
    return anthropicError(401, 'authentication_error', 'x-api-key header is required');
  return openAIError(
    401,
    "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
    'invalid_request_error',
    null,
  );
}

/**
 * The account has no credit left. Groq documents no prepaid-balance error; the fake answers with the
 * OpenAI-compatible 429 `insufficient_quota` body, which the adapter reads the same way.
 */
export function outOfCreditError(provider: ProviderId): ErrorAnswer {
  switch (provider) {
    case 'anthropic':
      return anthropicError(
        400,
        'invalid_request_error',
        'Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.',
      );
    case 'openai':
    case 'groq':
      return openAIError(
        429,
        'You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.',
        'insufficient_quota',
        'insufficient_quota',
      );
    case 'deepseek':
      return openAIError(402, 'Insufficient Balance', 'unknown_error', 'invalid_request_error');
  }
}

export function modelNotFoundError(provider: ProviderId, model: string): ErrorAnswer {
  switch (provider) {
    case 'anthropic':
      return anthropicError(404, 'not_found_error', `model: ${model}`);
    case 'openai':
    case 'groq':
      return openAIError(
        404,
        `The model \`${model}\` does not exist or you do not have access to it.`,
        'invalid_request_error',
        'model_not_found',
      );
    case 'deepseek':
      return openAIError(400, 'Model Not Exist', 'invalid_request_error', 'invalid_request_error');
  }
}

export function badRequestError(provider: ProviderId, message: string): ErrorAnswer {
  if (provider === 'anthropic') return anthropicError(400, 'invalid_request_error', message);
  return openAIError(400, message, 'invalid_request_error', null);
}

export function notFoundRouteError(provider: ProviderId): ErrorAnswer {
  if (provider === 'anthropic') return anthropicError(404, 'not_found_error', 'Not Found');
  return openAIError(404, 'Invalid URL', 'invalid_request_error', null);
}

/** The body a provider sends with `status` when a test gives none. */
export function errorForStatus(provider: ProviderId, status: number): ErrorAnswer {
  if (provider === 'anthropic') {
    const types: Record<number, [string, string]> = {
      400: ['invalid_request_error', 'Invalid request.'],
      401: ['authentication_error', 'invalid x-api-key'],
      402: ['billing_error', 'Billing issue.'],
      403: ['permission_error', 'Your API key does not have permission to use the specified resource.'],
      404: ['not_found_error', 'Not found.'],
      413: ['request_too_large', 'Request exceeds the maximum allowed number of bytes.'],
      429: ['rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit.'],
      529: ['overloaded_error', 'Overloaded'],
    };
    const [type, message] = types[status] ?? ['api_error', 'Internal server error'];
    return anthropicError(status, type, message);
  }
  if (status === 429) {
    return openAIError(
      429,
      'Rate limit reached for requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s.',
      'requests',
      'rate_limit_exceeded',
    );
  }
  if (status === 503)
    return openAIError(
      503,
      'The engine is currently overloaded, please try again later.',
      'server_error',
      null,
    );
  if (status >= 500) {
    return openAIError(
      status,
      'The server had an error while processing your request. Sorry about that!',
      'server_error',
      null,
    );
  }
  if (status === 401 || status === 403)
    return openAIError(status, 'Access denied.', 'invalid_request_error', null);
  return openAIError(status, 'The request could not be processed.', 'invalid_request_error', null);
}

const modelIds: Record<ProviderId, string[]> = {
  anthropic: ['claude-haiku-4-5', 'claude-sonnet-4-5'],
  openai: ['gpt-4o-mini', 'gpt-4o'],
  groq: ['llama-3.1-70b-versatile', 'llama-3.1-8b-instant'],
  deepseek: ['deepseek-chat', 'deepseek-reasoner'],
};

/** `GET {root}/models` in each provider's list format. */
export function modelList(provider: ProviderId): unknown {
  const ids = modelIds[provider];
  if (provider === 'anthropic') {
    return {
      data: ids.map((id) => ({ type: 'model', id, display_name: id, created_at: '2025-10-01T00:00:00Z' })),
      has_more: false,
      first_id: ids[0],
      last_id: ids[ids.length - 1],
    };
  }
  if (provider === 'groq') {
    return {
      object: 'list',
      data: ids.map((id) => ({
        id,
        object: 'model',
        created: created,
        owned_by: 'Meta',
        active: true,
        context_window: 131072,
      })),
    };
  }
  const owner = provider === 'deepseek' ? 'deepseek' : 'system';
  return { object: 'list', data: ids.map((id) => ({ id, object: 'model', created, owned_by: owner })) };
}
