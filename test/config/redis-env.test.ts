// One Redis or a Redis Cluster from the environment: seed nodes, never both, and a key prefix without hash tags (the service tags per portal).
import { describe, expect, it } from 'vitest';
import { formatConfigProblems, loadConfig, redactedConfig } from '../../src/config/env.ts';
import type { Config } from '../../src/config/env.ts';
import { formatPath } from '../../src/core/problems.ts';

const minimal: Record<string, string> = {
  HUBSPOT_CLIENT_SECRET: 'client-secret-abc-123',
  PUBLIC_BASE_URL: 'https://billing.example.com',
  CRITERIA_PATH: 'criteria/',
  ADMIN_TOKEN: 'admin-token-0123456789',
};

function ok(env: Record<string, string | undefined>): Config {
  const r = loadConfig(env);
  if (!r.ok) throw new Error(formatConfigProblems(r.problems));
  return r.config;
}

function problems(env: Record<string, string | undefined>) {
  const r = loadConfig(env);
  if (r.ok) throw new Error('expected problems');
  return r.problems.map((p) => ({ variable: formatPath(p.path), message: p.message }));
}

describe('REDIS_CLUSTER_NODES', () => {
  it('takes seed nodes as URLs or host:port, and defaults the prefix to ob as on one Redis', () => {
    const config = ok({ ...minimal, REDIS_CLUSTER_NODES: ' 10.0.0.1:7000, rediss://:pw@10.0.0.2:7001 ,' });
    expect(config.redisClusterNodes).toEqual(['redis://10.0.0.1:7000', 'rediss://:pw@10.0.0.2:7001']);
    expect(config.redisPrefix).toBe('ob');
    expect(config.redisUrl).toBe('redis://10.0.0.1:7000');
  });

  it('keeps a prefix as given', () => {
    expect(ok({ ...minimal, REDIS_CLUSTER_NODES: '10.0.0.1:7000', REDIS_PREFIX: 'billing-eu' }).redisPrefix).toBe('billing-eu');
  });

  it('refuses braces in the prefix, on a cluster or not: a tag of its own would take every portal into one slot', () => {
    for (const prefix of ['{ob}', 'billing-{eu}', 'ob{', 'ob}']) {
      for (const cluster of [{ REDIS_CLUSTER_NODES: '10.0.0.1:7000' }, {}]) {
        expect(problems({ ...minimal, ...cluster, REDIS_PREFIX: prefix })).toEqual([{ variable: 'REDIS_PREFIX', message: expect.stringContaining('no { }') }]);
      }
    }
  });

  it('refuses REDIS_URL and REDIS_CLUSTER_NODES together, and accepts an empty REDIS_URL as unset', () => {
    expect(problems({ ...minimal, REDIS_URL: 'redis://127.0.0.1:6379', REDIS_CLUSTER_NODES: '10.0.0.1:7000' })).toEqual([
      { variable: 'REDIS_CLUSTER_NODES', message: expect.stringContaining('not both') },
    ]);
    expect(ok({ ...minimal, REDIS_URL: ' ', REDIS_CLUSTER_NODES: '10.0.0.1:7000' }).redisClusterNodes).toHaveLength(1);
  });

  it('refuses a node that is not a Redis URL, without echoing its password', () => {
    const found = problems({ ...minimal, REDIS_CLUSTER_NODES: '10.0.0.1:7000,http://:hunter2@10.0.0.2:7001' });
    expect(found).toEqual([{ variable: 'REDIS_CLUSTER_NODES', message: expect.stringContaining('node 2 must be a redis:// or rediss:// URL') }]);
    expect(JSON.stringify(found)).not.toContain('hunter2');
  });

  it('keeps one Redis, with the plain prefix ob, when unset or empty', () => {
    expect(ok({ ...minimal, REDIS_CLUSTER_NODES: '' })).toMatchObject({ redisClusterNodes: [], redisPrefix: 'ob', redisUrl: 'redis://127.0.0.1:6379' });
  });

  it('logs the nodes without their passwords', () => {
    const shown = redactedConfig(ok({ ...minimal, REDIS_CLUSTER_NODES: 'redis://:hunter2@10.0.0.1:7000,redis://:hunter2@10.0.0.2:7000' }));
    expect(JSON.stringify(shown)).not.toContain('hunter2');
    expect(shown['redisClusterNodes']).toEqual(['redis://:redacted@10.0.0.1:7000', 'redis://:redacted@10.0.0.2:7000']);
  });
});
