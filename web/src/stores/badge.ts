/** Header badge numbers: approval inbox counts and unread messages, polled while the tab is visible. */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { api, call } from '@/api/client';

const POLL_MS = 60_000;

export const useBadge = defineStore('badge', () => {
  const counts = ref({ todo: 0, done: 0, cc: 0, started: 0 });
  const unread = ref(0);
  let timer: ReturnType<typeof setInterval> | null = null;

  async function refresh(): Promise<void> {
    const [c, u] = await Promise.allSettled([call(api.GET('/api/v1/approvals/inbox/counts')), call(api.GET('/api/v1/messages/unread-count'))]);
    if (c.status === 'fulfilled') counts.value = c.value;
    if (u.status === 'fulfilled') unread.value = u.value.unread;
  }

  function start(): void {
    stop();
    void refresh();
    timer = setInterval(() => {
      if (document.visibilityState === 'visible') void refresh();
    }, POLL_MS);
  }

  function stop(): void {
    if (timer) clearInterval(timer);
    timer = null;
  }

  return { counts, unread, refresh, start, stop };
});
