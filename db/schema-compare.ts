/**
 * Do the committed MySQL migrations build exactly the schema the entities describe?
 * MikroORM's own diff misreads MariaDB's information_schema (it reports `DEFAULT NULL` and
 * quoted defaults differently from MySQL) and proposes phantom changes. So we compare two real
 * schemas instead: one built by the migrations, one created straight from the entities, read
 * back through information_schema in the same server.
 */
import type { Connection } from 'mysql2/promise';

export interface SchemaShape {
  columns: string[];
  indexes: string[];
}

export async function readSchemaShape(conn: Connection, database: string): Promise<SchemaShape> {
  const [cols] = await conn.query(
    `select table_name t, column_name c, column_type ty, is_nullable n, column_default d
       from information_schema.columns where table_schema = ? and table_name <> 'mikro_orm_migrations'
      order by table_name, column_name`,
    [database],
  );
  const [idx] = await conn.query(
    `select table_name t, index_name i, non_unique u, group_concat(column_name order by seq_in_index) cols
       from information_schema.statistics where table_schema = ? and table_name <> 'mikro_orm_migrations'
      group by table_name, index_name, non_unique order by table_name, index_name`,
    [database],
  );
  const norm = (d: unknown) => (d === null || d === 'NULL' ? 'null' : String(d).replace(/^'(.*)'$/, '$1'));
  return {
    columns: (cols as any[]).map((r) => `${r.t}.${r.c} ${r.ty} ${r.n === 'YES' ? 'null' : 'not null'} default=${norm(r.d)}`),
    indexes: (idx as any[]).map((r) => `${r.t}.${r.i} ${r.u ? '' : 'unique '}(${r.cols})`),
  };
}

export function diffShapes(migrated: SchemaShape, entities: SchemaShape): string[] {
  const out: string[] = [];
  for (const kind of ['columns', 'indexes'] as const) {
    const a = new Set(migrated[kind]);
    const b = new Set(entities[kind]);
    for (const x of b) if (!a.has(x)) out.push(`missing from migrations: ${x}`);
    for (const x of a) if (!b.has(x)) out.push(`not in entities: ${x}`);
  }
  return out;
}
