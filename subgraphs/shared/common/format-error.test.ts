import { describe, expect, it } from 'vitest';
import { dbErrorToExtensions } from './format-error.js';

describe('database errors for clients', () => {
  it("the pool's own failures (no code) are the database being unavailable; any other error without a code is not", () => {
    for (const message of ['Connection terminated due to connection timeout', 'timeout exceeded when trying to connect']) {
      expect(dbErrorToExtensions(new Error(message)), message).toEqual({
        code: 'SERVICE_UNAVAILABLE',
        message: 'The database is unavailable; try again later',
      });
    }
    expect(dbErrorToExtensions(new Error('Connection terminated due to connection timeout, and more'))).toBeNull();
    expect(dbErrorToExtensions(new Error('boom'))).toBeNull();
    expect(dbErrorToExtensions({ code: 'P1001' })).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
  });
});
