// Budget alerts to ALERT_WEBHOOK_URL: a Slack-compatible JSON POST with the alert's fields, signed with HMAC-SHA256, its alert id as the idempotency key.
import { createHmac } from 'node:crypto';
import type { AlertDelivery, AlertWebhook, WebhookResult } from '../../app/alert-ports.ts';
import { formatAmount } from '../../core/money.ts';
import { isoUtc } from '../../core/time.ts';

export const ALERT_ID_HEADER = 'idempotency-key';
export const ALERT_ATTEMPT_HEADER = 'x-ob-alert-attempt';
export const ALERT_TIMESTAMP_HEADER = 'x-ob-timestamp';
export const ALERT_SIGNATURE_HEADER = 'x-ob-signature';

const TIMEOUT_MS = 10_000;

/** `sha256=` and the hex HMAC-SHA256, keyed by the secret, of the timestamp header, a dot, and the exact body bytes. */
export function signAlert(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex')}`;
}

/** What is POSTed: Slack shows `text`; anything else reads the fields. */
export function alertPayload(d: AlertDelivery): Record<string, unknown> {
  const a = d.alert;
  const charge = formatAmount(a.chargeMinor, a.currency);
  const expected = formatAmount(a.expectedMinor, a.currency);
  return {
    text: `Budget alert: ${a.criteriaId} reached ${a.threshold} % of its expected ${expected} ${a.currency} for ${a.period} (charge ${charge} ${a.currency}, portal ${d.portalId}).`,
    alertId: d.alertId,
    portalId: d.portalId,
    criteriaId: a.criteriaId,
    period: a.period,
    threshold: a.threshold,
    charge,
    expected,
    currency: a.currency,
    firedAt: isoUtc(a.firedAt),
    attempt: d.attempts,
  };
}

/** 408, 429 and 5xx may pass on a later try; another 4xx says the request itself is refused. */
const retryable = (status: number): boolean => status === 408 || status === 429 || status >= 500;

export function createAlertWebhook(o: { readonly url: string; readonly secret: string; readonly clock: () => number }): AlertWebhook {
  return {
    async post(d): Promise<WebhookResult> {
      const body = JSON.stringify(alertPayload(d));
      const timestamp = String(o.clock());
      try {
        const res = await fetch(o.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            [ALERT_ID_HEADER]: d.alertId,
            [ALERT_ATTEMPT_HEADER]: String(d.attempts),
            [ALERT_TIMESTAMP_HEADER]: timestamp,
            [ALERT_SIGNATURE_HEADER]: signAlert(o.secret, timestamp, body),
          },
          body,
          signal: AbortSignal.timeout(TIMEOUT_MS),
        });
        // The body is not needed; reading it frees the connection.
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) return { ok: true };
        return { ok: false, retry: retryable(res.status), error: `HTTP ${res.status}` };
      } catch (e) {
        return { ok: false, retry: true, error: e instanceof Error ? e.message : String(e) };
      }
    },
  };
}
