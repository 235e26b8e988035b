/**
 * Announcements. Publishers (`announcement:publish`) draft, publish, pin, expire and delete;
 * the audience (the whole tenant, departments with or without their subtrees, roles) lists the
 * live ones addressed to them and leaves read receipts. The audience is evaluated when read,
 * not frozen at publication, so people who join a department later see its announcements.
 */
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/knex';
import type { Runtime } from '../../runtime';
import type { Actor } from '../../../common/actor';
import { ConflictError, NotFoundError, ValidationError } from '../../../common/errors';
import { newId } from '../../../common/ids';
import { offsetOf, pageOf, type Page, type PageQuery } from '../../../common/pagination';
import { Announcement, AnnouncementRead, AnnouncementTarget, Department, Role, User } from '../../../db/entities';
import { parseInput, toDate } from '../../../common/schema';
import { activeUsersOf, membershipOf, resolveRefs, type Membership } from '../audience';
import {
  AudienceInput,
  CreateAnnouncementInput,
  toAnnouncementView,
  toReaderView,
  UpdateAnnouncementInput,
  type AnnouncementView,
  type AudienceView,
  type ManageQuery,
  type MyAnnouncementsQuery,
  type ReaderAnnouncementView,
  type ReceiptsView,
} from './schema';

/** Published and not expired at `now`. */
const live = (now: Date) => ({ status: 'published', $or: [{ expiresAt: null }, { expiresAt: { $gt: now } }] });

/** Does a target list address someone with this membership? */
const addresses = (targets: AnnouncementTarget[], m: Membership) =>
  targets.some((t) =>
    t.kind === 'role'
      ? m.roleIds.includes(t.refId)
      : t.refId === m.departmentId || (t.includeSubtree && m.departmentAncestry.includes(t.refId)),
  );

export class AnnouncementService {
  constructor(private readonly rt: Runtime) {}

  private get em() {
    return this.rt.orm.em;
  }

  // ---------------------------------------------------------------- publishers

  async manage(actor: Actor, q: ManageQuery): Promise<Page<AnnouncementView>> {
    const [rows, total] = await this.em.findAndCount(
      Announcement,
      { tenantId: actor.tenantId, ...(q.status ? { status: q.status } : {}) },
      { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], ...offsetOf(q) },
    );
    const audiences = await this.audiences(this.em, actor.tenantId, rows);
    return pageOf(rows.map((a) => toAnnouncementView(a, audiences.get(a.id)!)), total, q);
  }

  async create(actor: Actor, raw: CreateAnnouncementInput): Promise<AnnouncementView> {
    const input = parseInput(CreateAnnouncementInput, raw, 'The announcement cannot be created');
    const expiresAt = toDate(input.expiresAt) ?? null;
    if (expiresAt && expiresAt <= new Date()) throw expiresInPast();
    return this.em.fork().transactional(async (tx) => {
      const targets = await this.checkAudience(tx, actor.tenantId, input.audience);
      const a = tx.create(Announcement, {
        id: newId(),
        tenantId: actor.tenantId,
        title: input.title,
        body: input.body,
        audienceAll: input.audience.all,
        pinned: input.pinned,
        expiresAt,
        createdBy: actor.userId,
      });
      this.writeTargets(tx, a, targets);
      await tx.flush();
      return toAnnouncementView(a, (await this.audiences(tx, actor.tenantId, [a])).get(a.id)!);
    });
  }

  /** Edit text, pin or expiry any time; the audience only while it is a draft. */
  async update(actor: Actor, id: string, raw: UpdateAnnouncementInput): Promise<AnnouncementView> {
    const input = parseInput(UpdateAnnouncementInput, raw, 'The announcement cannot be changed');
    return this.em.fork().transactional(async (tx) => {
      const a = await this.find(tx, actor, id);
      if (input.audience) {
        if (a.status !== 'draft') throw new ConflictError('announcement_published', 'The audience of a published announcement cannot change');
        const targets = await this.checkAudience(tx, actor.tenantId, input.audience);
        await tx.nativeDelete(AnnouncementTarget, { tenantId: actor.tenantId, announcementId: a.id });
        a.audienceAll = input.audience.all;
        this.writeTargets(tx, a, targets);
      }
      if (input.title !== undefined) a.title = input.title;
      if (input.body !== undefined) a.body = input.body;
      if (input.pinned !== undefined) a.pinned = input.pinned;
      // Setting a past expiry is how a publisher takes an announcement down now.
      if (input.expiresAt !== undefined) a.expiresAt = toDate(input.expiresAt);
      await tx.flush();
      return toAnnouncementView(a, (await this.audiences(tx, actor.tenantId, [a])).get(a.id)!);
    });
  }

  async publish(actor: Actor, id: string): Promise<AnnouncementView> {
    return this.em.fork().transactional(async (tx) => {
      const a = await this.find(tx, actor, id);
      if (a.status === 'published') throw new ConflictError('announcement_already_published', 'This announcement is already published');
      if (a.expiresAt && a.expiresAt <= new Date()) throw expiresInPast();
      Object.assign(a, { status: 'published', publishedAt: new Date(), publishedBy: actor.userId });
      await tx.flush();
      return toAnnouncementView(a, (await this.audiences(tx, actor.tenantId, [a])).get(a.id)!);
    });
  }

  async remove(actor: Actor, id: string): Promise<void> {
    await this.em.fork().transactional(async (tx) => {
      const a = await this.find(tx, actor, id);
      await tx.nativeDelete(AnnouncementTarget, { tenantId: actor.tenantId, announcementId: a.id });
      await tx.nativeDelete(AnnouncementRead, { tenantId: actor.tenantId, announcementId: a.id });
      tx.remove(a);
    });
  }

  /** Who of the current audience has read it, and who of everyone (paginated) when. */
  async receipts(actor: Actor, id: string, q: PageQuery): Promise<ReceiptsView> {
    const em = this.em;
    const a = await this.find(em, actor, id);
    const targets = await em.find(AnnouncementTarget, { tenantId: actor.tenantId, announcementId: a.id });
    const audience = new Set(await this.audienceUsers(em, actor.tenantId, a, targets));
    const reads = await em.find(AnnouncementRead, { tenantId: actor.tenantId, announcementId: a.id }, { orderBy: [{ readAt: 'asc' }, { id: 'asc' }] });
    const readInAudience = reads.filter((r) => audience.has(r.userId)).length;
    const { limit, offset } = offsetOf(q);
    const pageRows = reads.slice(offset, offset + limit);
    const users = pageRows.length
      ? await em.find(User, { tenantId: actor.tenantId, id: { $in: pageRows.map((r) => r.userId) } }, { fields: ['id', 'displayName'] })
      : [];
    const nameOf = new Map(users.map((u) => [u.id, u.displayName]));
    return {
      audience: audience.size,
      read: readInAudience,
      unread: audience.size - readInAudience,
      readers: pageOf(
        pageRows.map((r) => ({ userId: r.userId, displayName: nameOf.get(r.userId) ?? '', readAt: r.readAt.toISOString() })),
        reads.length,
        q,
      ),
    };
  }

  // ---------------------------------------------------------------- readers

  /** Live announcements addressed to the caller: pinned first, then newest. */
  async mine(actor: Actor, q: MyAnnouncementsQuery): Promise<Page<ReaderAnnouncementView>> {
    const em = this.em;
    const now = new Date();
    const targeted = await this.targetedAt(em, actor);
    const where: Record<string, unknown>[] = [
      { tenantId: actor.tenantId },
      live(now),
      { $or: [{ audienceAll: true }, ...(targeted.length ? [{ id: { $in: targeted } }] : [])] },
    ];
    const readIds = (await em.find(AnnouncementRead, { tenantId: actor.tenantId, userId: actor.userId }, { fields: ['announcementId', 'readAt'] })) as AnnouncementRead[];
    if (q.unread !== undefined) {
      const ids = readIds.map((r) => r.announcementId);
      if (q.unread) {
        if (ids.length) where.push({ id: { $nin: ids } });
      } else where.push({ id: { $in: ids.length ? ids : ['-'] } });
    }
    const [rows, total] = await em.findAndCount(Announcement, { $and: where } as never, {
      orderBy: [{ pinned: 'desc' }, { publishedAt: 'desc' }, { id: 'desc' }],
      ...offsetOf(q),
    });
    const readAt = new Map(readIds.map((r) => [r.announcementId, r.readAt]));
    return pageOf(rows.map((a) => toReaderView(a, readAt.get(a.id) ?? null)), total, q);
  }

  async read(actor: Actor, id: string): Promise<ReaderAnnouncementView> {
    const a = await this.findAddressed(this.em, actor, id);
    const receipt = await this.em.findOne(AnnouncementRead, { tenantId: actor.tenantId, announcementId: a.id, userId: actor.userId });
    return toReaderView(a, receipt?.readAt ?? null);
  }

  /** Leave a read receipt (once; reading again keeps the first time). */
  async markRead(actor: Actor, id: string): Promise<ReaderAnnouncementView> {
    const a = await this.findAddressed(this.em, actor, id);
    const key = { tenantId: actor.tenantId, announcementId: a.id, userId: actor.userId };
    const find = () => this.em.fork().findOne(AnnouncementRead, key);
    let receipt = await find();
    if (!receipt) {
      const em = this.em.fork();
      try {
        receipt = em.create(AnnouncementRead, { id: newId(), ...key });
        await em.flush();
      } catch (err) {
        // Two tabs marked it at once: the first receipt stands.
        if (!(err instanceof UniqueConstraintViolationException)) throw err;
        receipt = await find();
      }
    }
    return toReaderView(a, receipt?.readAt ?? null);
  }

  // ---------------------------------------------------------------- internals

  private async find(em: EntityManager, actor: Actor, id: string): Promise<Announcement> {
    const a = await em.findOne(Announcement, { tenantId: actor.tenantId, id });
    if (!a) throw new NotFoundError('announcement', id);
    return a;
  }

  /** A live announcement addressed to the caller; anything else is "not found". */
  private async findAddressed(em: EntityManager, actor: Actor, id: string): Promise<Announcement> {
    const a = await em.findOne(Announcement, { $and: [{ tenantId: actor.tenantId, id }, live(new Date())] } as never);
    if (a && (a.audienceAll || addresses(await em.find(AnnouncementTarget, { tenantId: actor.tenantId, announcementId: a.id }), await membershipOf(em, actor.tenantId, actor.userId)))) {
      return a;
    }
    throw new NotFoundError('announcement', id);
  }

  /** Ids of announcements whose targets include the caller (their department chain or roles). */
  private async targetedAt(em: EntityManager, actor: Actor): Promise<string[]> {
    const m = await membershipOf(em, actor.tenantId, actor.userId);
    const ors: Record<string, unknown>[] = [];
    if (m.departmentId) ors.push({ kind: 'department', refId: m.departmentId });
    if (m.departmentAncestry.length) ors.push({ kind: 'department', includeSubtree: true, refId: { $in: m.departmentAncestry } });
    if (m.roleIds.length) ors.push({ kind: 'role', refId: { $in: m.roleIds } });
    if (!ors.length) return [];
    const rows = await em.find(AnnouncementTarget, { tenantId: actor.tenantId, $or: ors }, { fields: ['announcementId'] });
    return [...new Set(rows.map((t) => t.announcementId))];
  }

  private async checkAudience(em: EntityManager, tenantId: string, raw: AudienceInput) {
    const audience = parseInput(AudienceInput, raw);
    if (audience.all) return { departments: [], roles: [] as Role[] };
    const refs = await resolveRefs(
      em,
      tenantId,
      { departments: audience.departments, roleCodes: audience.roleCodes },
      { departments: (i) => `audience.departments.${i}.id`, roleCodes: 'audience.roleCodes' },
    );
    if (refs.errors.length) throw new ValidationError('Some of the audience does not exist', refs.errors);
    return { departments: refs.departments, roles: refs.roles };
  }

  private writeTargets(em: EntityManager, a: Announcement, targets: { departments: { id: string; includeSubtree: boolean }[]; roles: Role[] }) {
    for (const d of targets.departments) {
      em.create(AnnouncementTarget, { id: newId(), tenantId: a.tenantId, announcementId: a.id, kind: 'department', refId: d.id, includeSubtree: d.includeSubtree });
    }
    for (const r of targets.roles) {
      em.create(AnnouncementTarget, { id: newId(), tenantId: a.tenantId, announcementId: a.id, kind: 'role', refId: r.id, includeSubtree: false });
    }
  }

  /** The audience of each announcement, as publishers wrote it (role ids shown as codes). */
  private async audiences(em: EntityManager, tenantId: string, rows: Announcement[]): Promise<Map<string, AudienceView>> {
    const targets = rows.length ? await em.find(AnnouncementTarget, { tenantId, announcementId: { $in: rows.map((a) => a.id) } }, { orderBy: { id: 'asc' } }) : [];
    const roleIds = targets.filter((t) => t.kind === 'role').map((t) => t.refId);
    const roles = roleIds.length ? await em.find(Role, { tenantId, id: { $in: roleIds } }, { fields: ['id', 'code'] }) : [];
    const codeOf = new Map(roles.map((r) => [r.id, r.code]));
    return new Map(
      rows.map((a) => {
        const mine = targets.filter((t) => t.announcementId === a.id);
        return [
          a.id,
          {
            all: a.audienceAll,
            departments: mine.filter((t) => t.kind === 'department').map((t) => ({ id: t.refId, includeSubtree: t.includeSubtree })),
            // A role deleted since publication addresses nobody; it is not shown.
            roleCodes: mine.filter((t) => t.kind === 'role' && codeOf.has(t.refId)).map((t) => codeOf.get(t.refId)!),
          },
        ];
      }),
    );
  }

  private async audienceUsers(em: EntityManager, tenantId: string, a: Announcement, targets: AnnouncementTarget[]): Promise<string[]> {
    if (a.audienceAll) return activeUsersOf(em, tenantId, { all: true });
    const deptIds = targets.filter((t) => t.kind === 'department').map((t) => t.refId);
    const depts = deptIds.length ? await em.find(Department, { tenantId, id: { $in: deptIds } }, { fields: ['id', 'path'] }) : [];
    const pathOf = new Map(depts.map((d) => [d.id, d.path]));
    return activeUsersOf(em, tenantId, {
      departments: targets
        .filter((t) => t.kind === 'department' && pathOf.has(t.refId))
        .map((t) => ({ id: t.refId, path: pathOf.get(t.refId)!, includeSubtree: t.includeSubtree })),
      roleIds: targets.filter((t) => t.kind === 'role').map((t) => t.refId),
    });
  }
}

const expiresInPast = () =>
  new ValidationError('The expiry is in the past', [{ path: 'expiresAt', message: 'must be in the future', code: 'expires_in_past' }], 'expires_in_past');
