/** Timeline events of a request in words, with names from the request itself. */
import type { InstanceDetail } from '@/api/types';
import { i18n } from '@/i18n';
import { dateTime } from '@/utils/format';

type Event = InstanceDetail['timeline'][number];

export function namesOf(d: InstanceDetail): Map<string, string> {
  const m = new Map<string, string>();
  const add = (p: { userId: string; displayName: string | null } | null | undefined) => p?.displayName && m.set(p.userId, p.displayName);
  add(d.initiator);
  d.tasks.forEach((x) => add(x.assignee));
  d.timeline.forEach((e) => add(e.actor));
  for (const e of d.timeline) {
    const assignees = (e.data as { assignees?: { userId: string; displayName: string }[] }).assignees;
    assignees?.forEach((a) => m.set(a.userId, a.displayName));
  }
  return m;
}

export function stepNameOf(d: InstanceDetail, stepId: string | null): string | null {
  if (!stepId) return null;
  return d.tasks.find((x) => x.stepId === stepId)?.stepName ?? (d.timeline.find((e) => e.stepId === stepId && typeof e.data.stepName === 'string')?.data.stepName as string | undefined) ?? stepId;
}

export function describe(e: Event, names: Map<string, string>): string {
  const { t, te } = i18n.global;
  const data = e.data as Record<string, unknown>;
  const name = (id: unknown) => (typeof id === 'string' ? (names.get(id) ?? id.slice(0, 8)) : '');
  const list = (ids: unknown) => (Array.isArray(ids) ? ids.map((x) => (typeof x === 'object' && x ? ((x as { displayName?: string }).displayName ?? name((x as { userId?: string }).userId)) : name(x))).join(', ') : '');
  const status = (s: unknown) => (typeof s === 'string' && te(`status.instance.${s}`) ? t(`status.instance.${s}`) : String(s ?? ''));
  const params: Record<string, unknown> = {
    who: list(data.assignees ?? data.userIds ?? data.recipients) || name(data.userId ?? data.assigneeId),
    to: typeof data.toName === 'string' ? data.toName : name(data.to),
    reason: data.reason ?? '',
    position: te(`timeline.${data.position}`) ? t(`timeline.${String(data.position)}`) : (data.position ?? ''),
    round: data.round ?? '',
    action: data.action ?? '',
    branch: data.branchName ?? data.branchId ?? '',
    until: typeof data.until === 'string' ? dateTime(data.until) : '',
    outcome: status(data.outcome),
  };
  const key = `timeline.${e.type}`;
  return te(key) ? t(key, params) : e.type;
}

export const commentOf = (e: Event): string | null => (typeof e.data.comment === 'string' && e.data.comment ? e.data.comment : null);

/** Colour of a timeline dot. */
export function toneOf(type: string): 'primary' | 'success' | 'warning' | 'danger' | 'info' {
  if (['approved', 'step_approved', 'confirmed'].includes(type)) return 'success';
  if (['rejected', 'step_rejected', 'step_failed', 'step_stalled', 'hook_failed'].includes(type)) return 'danger';
  if (['returned', 'sent_back', 'withdrawn', 'timed_out', 'taken_back', 'admin_cancelled', 'admin_reassigned', 'admin_returned', 'admin_retried'].includes(type)) return 'warning';
  if (['submitted', 'resubmitted', 'completed'].includes(type)) return 'primary';
  return 'info';
}
