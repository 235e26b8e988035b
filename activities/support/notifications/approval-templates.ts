/**
 * Texts of the approval notifications: each says the request's title, its template, the step,
 * who acted and links to the request in the console.
 */
import type { ApprovalNotificationType } from '../../../workflows/approval/notify-contract';

export interface ApprovalNotificationData {
  title: string;
  /** The request's business serial number, when its template numbers requests. */
  serialNumber?: string | null;
  templateName: string;
  stepName: string | null;
  /** Display name of who acted; null = the system (a timeout, an escalation). */
  actorName: string | null;
  cause?: string;
  outcome?: string;
  reason?: string | null;
  comment?: string | null;
  /** The request in the console (absolute under PUBLIC_URL, else the path). */
  link: string;
  tenantName: string;
  recipientName: string;
  timeZone: string;
}

interface Rendered {
  subject: string;
  text: string;
  html: string;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const CAUSES: Record<string, string> = {
  assigned: 'is waiting for your decision',
  transferred: 'was transferred to you',
  escalated: 'was escalated to you (the step timed out)',
  delegated: 'was delegated to you',
  added: 'needs your signature (you were added as a signer)',
  reassigned: 'was reassigned to you by an administrator',
};

/** The headline of each type: [subject, sentence]. */
function headline(type: ApprovalNotificationType, d: ApprovalNotificationData): [string, string] {
  // The number first: it is what people quote and what mail filters and threads key on.
  const req = d.serialNumber ? `${d.serialNumber} "${d.title}"` : `"${d.title}"`;
  switch (type) {
    case 'approval_assigned':
      return [`To approve: ${req}`, `The request ${req} ${CAUSES[d.cause ?? 'assigned'] ?? CAUSES.assigned}.`];
    case 'approval_cc':
      return [`For your information: ${req}`, `You were copied on the request ${req}.`];
    case 'approval_returned':
      return [`Returned to you: ${req}`, `Your request ${req} was returned to you: edit and resubmit it, or withdraw it.`];
    case 'approval_finished':
      return [`Your request ${req} was ${d.outcome ?? 'finished'}`, `Your request ${req} was ${d.outcome ?? 'finished'}.`];
    case 'approval_commented':
      return [`New comment on ${req}`, `There is a new comment on your request ${req}.`];
    case 'approval_timed_out':
      return [`Overdue approval: ${req}`, `A step of the request ${req} timed out waiting for its approvers.`];
  }
}

export function renderApprovalNotification(type: ApprovalNotificationType, d: ApprovalNotificationData): Rendered {
  const [subject, sentence] = headline(type, d);
  const facts: [string, string][] = [
    ['Template', d.templateName],
    ...(d.stepName ? [['Step', d.stepName] as [string, string]] : []),
    ['By', d.actorName ?? 'the system'],
    ...(d.reason ? [['Reason', d.reason] as [string, string]] : []),
    ...(d.comment ? [['Comment', d.comment] as [string, string]] : []),
  ];
  return {
    subject,
    text: [`Hello ${d.recipientName},`, '', sentence, '', ...facts.map(([k, v]) => `${k}: ${v}`), '', `Open it: ${d.link}`].join('\n'),
    html: [
      '<!doctype html><html><body style="font-family:sans-serif">',
      `<p>Hello ${escapeHtml(d.recipientName)},</p>`,
      `<p>${escapeHtml(sentence)}</p>`,
      `<p>${facts.map(([k, v]) => `${escapeHtml(k)}: <strong>${escapeHtml(v)}</strong>`).join('<br>')}</p>`,
      `<p><a href="${escapeHtml(d.link)}">Open the request</a></p>`,
      `<p style="color:#888;font-size:12px">${escapeHtml(d.tenantName)} · Signoff</p>`,
      '</body></html>',
    ].join('\n'),
  };
}
