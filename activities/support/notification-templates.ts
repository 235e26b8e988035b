/**
 * Texts of each notification type: a subject, a plain-text body (in-app message and the mail's
 * text part) and an HTML body (the mail's HTML part). Every value that reaches HTML is escaped.
 */
import type { NotificationType } from '../../api/support/notifications.schema';

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

export interface NotificationDataByType {
  todo_reminder: TodoNotificationData;
  todo_overdue: TodoNotificationData;
}

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

const TEMPLATES: { [T in NotificationType]: (d: NotificationDataByType[T]) => RenderedNotification } = {
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

export function renderNotification<T extends NotificationType>(type: T, data: NotificationDataByType[T]): RenderedNotification {
  return TEMPLATES[type](data);
}
