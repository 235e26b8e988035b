/** Public console configuration (`/api/v1/console-config`): the Temporal UI link. */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { api, call } from '@/api/client';

export const useConsoleConfig = defineStore('consoleConfig', () => {
  const temporalUiUrl = ref<string | null>(null);
  const namespace = ref('default');
  let loaded: Promise<void> | null = null;

  function load(): Promise<void> {
    loaded ??= call(api.GET('/api/v1/console-config'))
      .then((c) => {
        temporalUiUrl.value = c.temporalUiUrl;
        namespace.value = c.temporalNamespace;
      })
      .catch(() => {
        loaded = null;
      });
    return loaded;
  }

  const workflowUrl = (workflowId: string) =>
    temporalUiUrl.value ? `${temporalUiUrl.value}/namespaces/${encodeURIComponent(namespace.value)}/workflows/${encodeURIComponent(workflowId)}` : null;

  return { temporalUiUrl, namespace, load, workflowUrl };
});
