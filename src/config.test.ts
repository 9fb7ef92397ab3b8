import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

/** Loads and returns the ConfigError, failing the test when the environment is accepted. */
function refusal(environment: Record<string, string>): ConfigError {
  try {
    loadConfig(environment);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`accepted ${JSON.stringify(environment)}`);
}

describe('loadConfig', () => {
  it('gives the documented defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      PORT: 3000,
      HOST: '127.0.0.1',
      BESTAI_DATA_DIR: './data',
      ANTHROPIC_BASE_URL: 'https://api.anthropic.com/v1',
      OPENAI_BASE_URL: 'https://api.openai.com/v1',
      GROQ_BASE_URL: 'https://api.groq.com/openai/v1',
      DEEPSEEK_BASE_URL: 'https://api.deepseek.com/v1',
      LOG_LEVEL: 'info',
      publicUrl: 'http://127.0.0.1:3000',
      publicOrigin: 'http://127.0.0.1:3000',
      isSecureCookie: false,
      previousSecrets: [],
    });
    for (const unset of [
      'PUBLIC_URL',
      'DATABASE_URL',
      'BESTAI_SECRET',
      'BESTAI_PREVIOUS_SECRETS',
      'REDIS_URL',
    ]) {
      expect(config[unset as keyof typeof config]).toBeUndefined();
    }
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads only its own variables', () => {
    const config = loadConfig({ PORT: '8080', UNRELATED_SECRET: 'x' });
    expect(config.PORT).toBe(8080);
    expect(config).not.toHaveProperty('UNRELATED_SECRET');
  });

  it('builds the public URL from HOST and PORT, bracketing an IPv6 host', () => {
    expect(loadConfig({ HOST: '0.0.0.0', PORT: '8080' }).publicUrl).toBe('http://0.0.0.0:8080');
    expect(loadConfig({ HOST: '::1', PORT: '8080' }).publicUrl).toBe('http://[::1]:8080');
    expect(loadConfig({ HOST: '::', PORT: '8080' }).publicOrigin).toBe('http://[::]:8080');
  });

  it('uses PUBLIC_URL without its trailing slash; https means secure cookies', () => {
    const config = loadConfig({ PUBLIC_URL: 'https://chat.example.com/' });
    expect(config.publicUrl).toBe('https://chat.example.com');
    expect(config.publicOrigin).toBe('https://chat.example.com');
    expect(config.isSecureCookie).toBe(true);
  });

  it('treats an empty or blank variable as unset', () => {
    const config = loadConfig({
      PORT: '',
      HOST: ' ',
      BESTAI_DATA_DIR: '',
      PUBLIC_URL: '',
      ANTHROPIC_BASE_URL: '',
    });
    expect(config.PORT).toBe(3000);
    expect(config.HOST).toBe('127.0.0.1');
    expect(config.BESTAI_DATA_DIR).toBe('./data');
    expect(config.publicUrl).toBe('http://127.0.0.1:3000');
    expect(config.ANTHROPIC_BASE_URL).toBe('https://api.anthropic.com/v1');
  });

  it('accepts PORT=0 (any free port) and the upper bound', () => {
    expect(loadConfig({ PORT: '0' }).PORT).toBe(0);
    expect(loadConfig({ PORT: '65535' }).PORT).toBe(65535);
  });

  it('splits BESTAI_PREVIOUS_SECRETS on commas, skipping blanks', () => {
    expect(loadConfig({ BESTAI_PREVIOUS_SECRETS: ' a, ,b,' }).previousSecrets).toEqual(['a', 'b']);
  });

  it('accepts postgres and postgresql URLs, redis and rediss URLs', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u:p@db:5432/bestai' }).DATABASE_URL).toBe(
      'postgres://u:p@db:5432/bestai',
    );
    expect(loadConfig({ DATABASE_URL: 'postgresql://db/bestai' }).DATABASE_URL).toBe(
      'postgresql://db/bestai',
    );
    expect(loadConfig({ REDIS_URL: 'rediss://cache:6380' }).REDIS_URL).toBe('rediss://cache:6380');
  });

  // Each bad value carries a marker that must not appear in the sentence (values may hold passwords).
  it.each([
    ['PORT', 'abc-MARKER'],
    ['PORT', '65536'],
    ['PORT', '-1'],
    ['PORT', '80.5'],
    ['PUBLIC_URL', 'ftp://MARKER.example.com'],
    ['PUBLIC_URL', 'not a url MARKER'],
    ['DATABASE_URL', 'mysql://admin:MARKER@db/bestai'],
    ['DATABASE_URL', 'MARKER'],
    ['REDIS_URL', 'http://MARKER:6379'],
    ['ANTHROPIC_BASE_URL', 'file:///MARKER'],
    ['OPENAI_BASE_URL', 'MARKER'],
    ['GROQ_BASE_URL', 'ws://MARKER'],
    ['DEEPSEEK_BASE_URL', 'javascript:MARKER'],
    ['LOG_LEVEL', 'MARKER'],
    ['PROVIDER_CONNECT_TIMEOUT_MS', '0'],
    ['PROVIDER_FIRST_TOKEN_TIMEOUT_MS', 'MARKER'],
    ['PROVIDER_IDLE_TIMEOUT_MS', '3000000000'],
    ['WIDGET_CONVERSATIONS_PER_MINUTE', '-5'],
    ['WIDGET_MESSAGES_PER_MINUTE', '1.5'],
  ])('refuses a bad %s (%s) with a sentence naming it and not the value', (variable, value) => {
    const error = refusal({ [variable]: value });
    expect(error.message).toMatch(new RegExp(`^${variable} is not valid: .+\\.$`));
    expect(error.message).not.toContain('MARKER');
    expect(error.message).not.toContain(value);
  });

  it('gives plain words for numbers', () => {
    expect(refusal({ PORT: 'abc' }).message).toBe(
      'PORT is not valid: must be a whole number from 0 to 65535.',
    );
    expect(refusal({ WIDGET_MESSAGES_PER_MINUTE: '0' }).message).toBe(
      'WIDGET_MESSAGES_PER_MINUTE is not valid: must be a whole number of at least 1.',
    );
  });

  it('names the URL schemes a variable takes', () => {
    expect(refusal({ DATABASE_URL: 'mysql://x' }).message).toBe(
      'DATABASE_URL is not valid: must be a URL starting with postgres:// or postgresql://.',
    );
    expect(refusal({ PUBLIC_URL: 'ftp://x' }).message).toBe(
      'PUBLIC_URL is not valid: must be a URL starting with http:// or https://.',
    );
    expect(refusal({ REDIS_URL: 'http://x' }).message).toBe(
      'REDIS_URL is not valid: must be a URL starting with redis:// or rediss://.',
    );
  });

  it('reads TRUST_PROXY as true/false, a hop count or proxy addresses; unset trusts no proxy', () => {
    expect(loadConfig({}).TRUST_PROXY).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'true' }).TRUST_PROXY).toBe(true);
    expect(loadConfig({ TRUST_PROXY: 'FALSE' }).TRUST_PROXY).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '2' }).TRUST_PROXY).toBe(2);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 192.168.1.7,::1,loopback' }).TRUST_PROXY).toEqual([
      '10.0.0.0/8',
      '192.168.1.7',
      '::1',
      'loopback',
    ]);
    for (const bad of ['yes', '10.0.0.0/33', 'proxy.internal', '1.2.3.4/8/9']) {
      expect(refusal({ TRUST_PROXY: bad }).message).toBe(
        'TRUST_PROXY is not valid: must be true, a number of proxies, or comma-separated proxy addresses or CIDRs.',
      );
    }
  });

  it('keeps METRICS_TOKEN unset unless given', () => {
    expect(loadConfig({}).METRICS_TOKEN).toBeUndefined();
    expect(loadConfig({ METRICS_TOKEN: 'abc' }).METRICS_TOKEN).toBe('abc');
  });

  it('does not read or judge the secrets: the keyring does (see boot tests)', () => {
    const config = loadConfig({ BESTAI_SECRET: 'short', BESTAI_PREVIOUS_SECRETS: 'also short' });
    expect(config.BESTAI_SECRET).toBe('short');
    expect(config.previousSecrets).toEqual(['also short']);
  });
});
