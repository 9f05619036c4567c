// What the error handler makes of real failures: a PostgreSQL or Redis that cannot be reached is
// 503 (retry later), a refusal keeps its status, anything else is a 500 without details.
import postgres from 'postgres';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { toProblem } from '../../api/errors.ts';
import { isUnavailable } from '../../services/unavailable.ts';
import { contentDisposition } from '../../api/routes/documents.ts';
import { openDatabase } from '../../db/client.ts';
import { ServiceError } from '../../services/errors.ts';
import { freshPostgres, postgresAvailable, testServerUrl } from '../helpers/db.ts';
import { redisAvailable } from './harness.ts';

const pg = await postgresAvailable();
const redis = await redisAvailable();

describe('the error mapping', () => {
  it('maps service refusals to their statuses and hides faults', () => {
    expect(toProblem(new ServiceError('IMPORT_INVALID', 'bad', { issues: [{ line: 2, column: 'amount' }] }))).toMatchObject({ status: 422, body: { issues: [{ line: 2 }] } });
    expect(toProblem(new ServiceError('TOO_LARGE', 'big')).status).toBe(413);
    expect(toProblem(new ServiceError('INVALID_TRANSITION', 'no')).status).toBe(409);
    const fault = toProblem(new TypeError('secret internals at /srv/x.ts:12'));
    expect(fault.status).toBe(500);
    expect(JSON.stringify(fault.body)).not.toContain('secret');
  });

  it.skipIf(!pg)('a PostgreSQL that refuses connections, or a pool that has ended, is 503', async () => {
    const refused = postgres('postgres://postgres@127.0.0.1:1/none', { connect_timeout: 2, max: 1 });
    const error = await refused`select 1`.catch((e: unknown) => e);
    await refused.end({ timeout: 0 });
    expect(isUnavailable(error)).toBe(true);
    expect(toProblem(error).status).toBe(503);

    const t = await freshPostgres();
    const url = new URL(testServerUrl());
    url.pathname = `/${t.name}`;
    const db = await openDatabase({ databaseUrl: url.toString() });
    await db.close();
    const ended = await db.db.execute('select 1' as never).catch((e: unknown) => e);
    await t.cleanup();
    expect(toProblem(ended).status).toBe(503);
  });

  it.skipIf(!redis)('a Redis that cannot be reached is 503', async () => {
    const down = new Redis('redis://127.0.0.1:1', { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, retryStrategy: () => null });
    const error = await down.ping().catch((e: unknown) => e);
    down.disconnect();
    expect(toProblem(error).status).toBe(503);
  });
});

describe('Content-Disposition', () => {
  it('gives an ASCII fallback and the exact UTF-8 name (RFC 6266 / 5987)', () => {
    expect(contentDisposition('Rechnung "März" 100%.pdf')).toBe(`attachment; filename="Rechnung _M_rz_ 100_.pdf"; filename*=UTF-8''Rechnung%20%22M%C3%A4rz%22%20100%25.pdf`);
    expect(contentDisposition("it's (final).pdf")).toBe(`attachment; filename="it's (final).pdf"; filename*=UTF-8''it%27s%20%28final%29.pdf`);
    expect(contentDisposition('上海.pdf')).toMatch(/^attachment; filename="__\.pdf"; filename\*=UTF-8''%E4%B8%8A%E6%B5%B7\.pdf$/);
  });
});
