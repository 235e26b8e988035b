/**
 * Texts of each notification type: a subject, a plain-text body (in-app message and the mail's
 * text part) and an HTML body (the mail's HTML part). Every value that reaches HTML is escaped.
 */
import type { ApprovalNotificationType } from '../../../workflows/approval/notify-contract';
import { renderApprovalNotification, type ApprovalNotificationData } from './approval-templates';
import type { NotificationType } from './schema';

export interface TodoNotificationData {
  todoTitle: string;
  dueAt: string;
  timeZone: string;
  tenantName: string;
  recipientName: string;
  /** Overdue notices: which one of how many. */
  sequence?: number;
}

export interface RenderedNotification {
  subject: string;
  text: string;
  html: string;
}

/** One user's morning summary; every list is already cut to what the mail shows. */
export interface DigestNotificationData {
  /** The tenant's calendar date (`YYYY-MM-DD`). */
  date: string;
  planItems: string[];
  dueToday: { title: string; dueAt: string }[];
  overdue: { title: string; dueAt: string }[];
  approvals: { title: string; stepName: string }[];
  /** All approvals waiting for the user (the list shows at most a few). */
  approvalsTotal: number;
  timeZone: string;
  tenantName: string;
  recipientName: string;
}

export type NotificationDataByType = {
  todo_reminder: TodoNotificationData;
  todo_overdue: TodoNotificationData;
  daily_digest: DigestNotificationData;
} & { [T in ApprovalNotificationType]: ApprovalNotificationData };

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** A due time as the tenant reads it: `Mon, 2 Mar 2026, 09:00 (Europe/Berlin)`. */
export function localTime(isoInstant: string, timeZone: string): string {
  try {
    const text = new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' }).format(new Date(isoInstant));
    return `${text} (${timeZone})`;
  } catch {
    return isoInstant;
  }
}

function layout(tenantName: string, paragraphs: string[]): string {
  return [
    '<!doctype html><html><body style="font-family:sans-serif">',
    ...paragraphs.map((p) => `<p>${p}</p>`),
    `<p style="color:#888;font-size:12px">${escapeHtml(tenantName)} · Signoff</p>`,
    '</body></html>',
  ].join('\n');
}

const approval =
  <T extends ApprovalNotificationType>(type: T) =>
  (d: ApprovalNotificationData) =>
    renderApprovalNotification(type, d);

const TEMPLATES: { [T in NotificationType]: (d: NotificationDataByType[T]) => RenderedNotification } = {
  daily_digest: (d) => renderDigest(d),
  approval_assigned: approval('approval_assigned'),
  approval_cc: approval('approval_cc'),
  approval_returned: approval('approval_returned'),
  approval_finished: approval('approval_finished'),
  approval_commented: approval('approval_commented'),
  approval_timed_out: approval('approval_timed_out'),
  todo_reminder: (d) => {
    const due = localTime(d.dueAt, d.timeZone);
    return {
      subject: `Reminder: "${d.todoTitle}" is due ${due}`,
      text: `Hello ${d.recipientName},\n\nyour to-do "${d.todoTitle}" is due ${due}.`,
      html: layout(d.tenantName, [`Hello ${escapeHtml(d.recipientName)},`, `your to-do <strong>${escapeHtml(d.todoTitle)}</strong> is due ${escapeHtml(due)}.`]),
    };
  },
  todo_overdue: (d) => {
    const due = localTime(d.dueAt, d.timeZone);
    const again = d.sequence && d.sequence > 1 ? ` (notice ${d.sequence})` : '';
    return {
      subject: `Overdue: "${d.todoTitle}"${again}`,
      text: `Hello ${d.recipientName},\n\nyour to-do "${d.todoTitle}" was due ${due} and is still open.`,
      html: layout(d.tenantName, [`Hello ${escapeHtml(d.recipientName)},`, `your to-do <strong>${escapeHtml(d.todoTitle)}</strong> was due ${escapeHtml(due)} and is still open.`]),
    };
  },
};

/** The digest's sections, each a heading and lines; empty sections are left out. */
function digestSections(d: DigestNotificationData): { heading: string; lines: string[] }[] {
  const at = (iso: string) => localTime(iso, d.timeZone);
  const more = d.approvalsTotal - d.approvals.length;
  return [
    { heading: "Today's plan", lines: d.planItems },
    { heading: 'Due today', lines: d.dueToday.map((t) => `${t.title} (due ${at(t.dueAt)})`) },
    { heading: 'Overdue', lines: d.overdue.map((t) => `${t.title} (was due ${at(t.dueAt)})`) },
    {
      heading: `Approvals waiting for you (${d.approvalsTotal})`,
      lines: [...d.approvals.map((a) => `${a.title}: ${a.stepName}`), ...(more > 0 ? [`…and ${more} more`] : [])],
    },
  ].filter((s) => s.lines.length);
}

function renderDigest(d: DigestNotificationData): RenderedNotification {
  const sections = digestSections(d);
  return {
    subject: `Your day, ${d.date}: ${sections.map((s) => s.heading.replace(/ \(\d+\)$/, '').toLowerCase()).join(', ')}`,
    text: [`Hello ${d.recipientName},`, '', ...sections.flatMap((s) => [`${s.heading}:`, ...s.lines.map((l) => `  - ${l}`), ''])].join('\n').trimEnd(),
    html: layout(d.tenantName, [
      `Hello ${escapeHtml(d.recipientName)},`,
      ...sections.map((s) => `<strong>${escapeHtml(s.heading)}</strong><br>${s.lines.map((l) => `• ${escapeHtml(l)}`).join('<br>')}`),
    ]),
  };
}

export function renderNotification<T extends NotificationType>(type: T, data: NotificationDataByType[T]): RenderedNotification {
  return TEMPLATES[type](data);
}
