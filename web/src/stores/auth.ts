/** Who is signed in: tokens (session.ts), profile and permissions (`/me`), the menu (`/me/menus`). */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { api, call, setSessionEndedHandler } from '@/api/client';
import { getTokens, onTokens, setTokens, type Tokens } from '@/api/session';
import type { paths } from '@/api/schema';

export type Me = paths['/api/v1/me']['get']['responses']['200']['content']['application/json'];
export type MenuNode = paths['/api/v1/me/menus']['get']['responses']['200']['content']['application/json']['items'][number];
type TokenPair = paths['/api/v1/auth/login']['post']['responses']['200']['content']['application/json'];

const LAST_TENANT = 'signoff.lastTenant';

const toTokens = (p: TokenPair): Tokens => ({
  accessToken: p.accessToken,
  accessTokenExpiresAt: p.accessTokenExpiresAt,
  refreshToken: p.refreshToken,
  refreshTokenExpiresAt: p.refreshTokenExpiresAt,
});

export const useAuth = defineStore('auth', () => {
  const tokens = ref<Tokens | null>(getTokens());
  const me = ref<Me | null>(null);
  const menus = ref<MenuNode[]>([]);
  const loading = ref<Promise<void> | null>(null);

  onTokens((t) => {
    tokens.value = t;
    if (!t) {
      me.value = null;
      menus.value = [];
    }
  });
  setSessionEndedHandler(() => setTokens(null));

  const signedIn = computed(() => !!tokens.value);
  const permissions = computed(() => new Set(me.value?.permissions ?? []));
  const can = (code: string) => permissions.value.has(code);
  const userId = computed(() => me.value?.user.id ?? null);

  async function load(): Promise<void> {
    if (!tokens.value) return;
    loading.value ??= (async () => {
      try {
        const [profile, menu] = await Promise.all([call(api.GET('/api/v1/me')), call(api.GET('/api/v1/me/menus'))]);
        me.value = profile;
        menus.value = menu.items;
      } finally {
        loading.value = null;
      }
    })();
    return loading.value;
  }

  async function login(tenantCode: string, identifier: string, password: string): Promise<void> {
    const pair = await call(api.POST('/api/v1/auth/login', { body: { tenantCode, identifier, password } }));
    localStorage.setItem(LAST_TENANT, tenantCode);
    setTokens(toTokens(pair));
    await load();
  }

  async function logout(): Promise<void> {
    const refreshToken = tokens.value?.refreshToken;
    try {
      await call(api.POST('/api/v1/auth/logout', { body: refreshToken ? { refreshToken } : {} }));
    } catch {
      /* the session may be over already; signing out locally is what matters */
    }
    setTokens(null);
  }

  async function changePassword(currentPassword: string, newPassword: string): Promise<void> {
    const pair = await call(api.POST('/api/v1/me/password', { body: { currentPassword, newPassword } }));
    setTokens(toTokens(pair));
  }

  const lastTenant = () => localStorage.getItem(LAST_TENANT) ?? '';

  return { tokens, me, menus, signedIn, permissions, can, userId, load, login, logout, changePassword, lastTenant };
});
