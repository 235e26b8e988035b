/** Toasts for results and errors, with the server's problem explained in words. */
import { ElMessage } from 'element-plus';
import 'element-plus/es/components/message/style/css';
import { i18n } from '@/i18n';
import { isApiError } from '@/api/problem';

const t = (key: string, params?: Record<string, unknown>) => i18n.global.t(key, params ?? {});

/** A sentence for a problem: the console's explanation of its code, else the server's detail. */
export function explain(err: unknown): string {
  if (!isApiError(err)) return err instanceof Error ? err.message : String(err);
  const key = `problems.${err.code}`;
  if (i18n.global.te(key)) return t(key, { retryAfter: err.retryAfter ?? '' });
  if (err.status === 0) return t('problems.network_error');
  const fields = (err.errors ?? []).map((e) => `${e.path ? `${e.path.replace(/^body\./, '')}: ` : ''}${e.message ?? ''}`).slice(0, 3);
  return [err.detail ?? err.title, ...fields].filter(Boolean).join(' — ');
}

export function notifyError(err: unknown): void {
  ElMessage({ type: 'error', message: explain(err), duration: 6000, showClose: true, grouping: true });
}

export function notifyOk(message: string): void {
  ElMessage({ type: 'success', message, duration: 2500, grouping: true });
}
