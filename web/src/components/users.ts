/** Display names of users by id, fetched once (only for callers who may read users). */
import { api, call } from '@/api/client';
import type { UserView } from '@/api/types';

const names = new Map<string, Promise<string>>();

export function rememberUsers(users: Pick<UserView, 'id' | 'displayName' | 'username'>[]): void {
  for (const u of users) names.set(u.id, Promise.resolve(`${u.displayName} (${u.username})`));
}

export function userLabel(id: string): Promise<string> {
  let p = names.get(id);
  if (!p) {
    p = call(api.GET('/api/v1/users/{id}', { params: { path: { id } } }))
      .then((u) => `${u.displayName} (${u.username})`)
      .catch(() => id);
    names.set(id, p);
  }
  return p;
}
