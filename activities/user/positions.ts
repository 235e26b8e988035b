/** Positions: job titles with a seniority rank, code unique per tenant. */
import { LockMode, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/knex';
import type { Runtime } from '../runtime';
import type { Actor } from '../../common/actor';
import { ConflictError, NotFoundError } from '../../common/errors';
import { newId } from '../../common/ids';
import { offsetOf, pageOf, type Page } from '../../common/pagination';
import { Position, User } from '../../db/entities';
import { contains } from '../../common/query';
import { parseInput } from '../../common/schema';
import { CreatePositionInput, toPositionView, UpdatePositionInput, type PositionListQuery, type PositionView } from './schema';

const codeTaken = (code: string) => new ConflictError('position_code_taken', `The position code ${code} is already used in this tenant`);

/** The check before writing gives the clear error; the unique index still decides a race. */
async function flushUnique(tx: EntityManager, code: string) {
  try {
    await tx.flush();
  } catch (err) {
    if (err instanceof UniqueConstraintViolationException) throw codeTaken(code);
    throw err;
  }
}

export class PositionService {
  constructor(private readonly rt: Runtime) {}

  private get em() {
    return this.rt.orm.em;
  }

  async get(actor: Actor, id: string, em: EntityManager = this.em): Promise<Position> {
    const position = await em.findOne(Position, { tenantId: actor.tenantId, id });
    if (!position) throw new NotFoundError('position', id);
    return position;
  }

  async list(actor: Actor, q: PositionListQuery): Promise<Page<PositionView>> {
    const where: Record<string, unknown>[] = [{ tenantId: actor.tenantId }];
    if (q.q) where.push(contains(['name', 'code'], q.q));
    const [rows, total] = await this.em.findAndCount(Position, { $and: where } as never, {
      orderBy: [{ rank: 'asc' }, { name: 'asc' }, { id: 'asc' }],
      ...offsetOf(q),
    });
    return pageOf(rows.map(toPositionView), total, q);
  }

  async create(actor: Actor, raw: CreatePositionInput): Promise<PositionView> {
    const input = parseInput(CreatePositionInput, raw, 'The position cannot be created');
    const { tenantId } = actor;
    return this.em.fork().transactional(async (tx) => {
      if (await tx.count(Position, { tenantId, code: input.code })) throw codeTaken(input.code);
      const position = tx.create(Position, { id: newId(), tenantId, code: input.code, name: input.name, rank: input.rank });
      await flushUnique(tx, input.code);
      return toPositionView(position);
    });
  }

  async update(actor: Actor, id: string, raw: UpdatePositionInput): Promise<PositionView> {
    const input = parseInput(UpdatePositionInput, raw, 'The position cannot be changed');
    const { tenantId } = actor;
    return this.em.fork().transactional(async (tx) => {
      const position = await this.get(actor, id, tx);
      if (input.code !== undefined && input.code !== position.code) {
        if (await tx.count(Position, { tenantId, code: input.code, id: { $ne: id } })) throw codeTaken(input.code);
        position.code = input.code;
      }
      if (input.name !== undefined) position.name = input.name;
      if (input.rank !== undefined) position.rank = input.rank;
      await flushUnique(tx, position.code);
      return toPositionView(position);
    });
  }

  /**
   * Refused while a live user holds the position: reassign them first. The row lock waits for
   * any user write that is assigning this position (they hold a shared lock on it), so the count
   * is not stale.
   */
  async remove(actor: Actor, id: string): Promise<void> {
    const { tenantId } = actor;
    await this.em.fork().transactional(async (tx) => {
      const position = await tx.findOne(Position, { tenantId, id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!position) throw new NotFoundError('position', id);
      const holders = await tx.count(User, { tenantId, positionId: id, deletedAt: null });
      if (holders) throw new ConflictError('position_in_use', `${holders} users still hold this position`, { users: holders });
      tx.remove(position);
      await tx.flush();
    });
  }
}
