import { describe, expect, it } from 'vitest';
import type { Database } from '../db/connect.js';
import { OpenReplies } from './open-replies.js';

const unusedDatabase = {} as Database;

describe('OpenReplies', () => {
  it('retries a failed final write in the background until it succeeds, and close waits for it', async () => {
    const errors: string[] = [];
    const replies = new OpenReplies(unusedDatabase, {
      warn: () => {},
      error: (_object, message) => errors.push(message),
    });
    let attempts = 0;
    let isStored = false;
    replies.retryInBackground(
      async () => {
        attempts++;
        if (attempts < 3) throw new Error('connection terminated');
        isStored = true;
      },
      { messageId: 'm1' },
    );
    await replies.close(30_000);
    expect(isStored).toBe(true);
    expect(attempts).toBe(3);
    expect(errors).toEqual([]);
  });

  it('stops every open reply and resolves once they have all finished', async () => {
    const replies = new OpenReplies(unusedDatabase, { warn: () => {}, error: () => {} });
    const stopped: string[] = [];
    for (const id of ['a', 'b']) {
      const reply = {
        id,
        progress: () => ({ text: '', provider: null, model: null }),
        // A reply ends some time after it is told to stop (its row is written first).
        stop: () => setImmediate(() => (stopped.push(id), replies.remove(reply))),
      };
      replies.add(reply);
    }
    await replies.stopAll(30_000);
    expect(stopped.sort()).toEqual(['a', 'b']);
    expect(replies.size).toBe(0);
    await replies.close(1_000);
  });
});
