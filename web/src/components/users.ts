/** Display names of colleagues by id, from the people directory (readable by every employee), fetched once. */
import { api, call } from '@/api/client';
import type { DirectoryPerson } from '@/api/types';

const names = new Map<string, Promise<string>>();

export const personLabel = (p: Pick<DirectoryPerson, 'displayName' | 'username' | 'departmentName'>): string =>
  p.departmentName ? `${p.displayName} (${p.username}, ${p.departmentName})` : `${p.displayName} (${p.username})`;

export function rememberUsers(people: Pick<DirectoryPerson, 'id' | 'displayName' | 'username' | 'departmentName'>[]): void {
  for (const p of people) names.set(p.id, Promise.resolve(personLabel(p)));
}

export function userLabel(id: string): Promise<string> {
  let p = names.get(id);
  if (!p) {
    p = call(api.GET('/api/v1/directory/people/{id}', { params: { path: { id } } }))
      .then(personLabel)
      .catch(() => id);
    names.set(id, p);
  }
  return p;
}
