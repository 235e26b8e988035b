/// <reference types="vitest/config" />
/**
 * The console is built into web/dist and served by the Koa API at `/`. In dev mode (`npm run
 * dev:web`) Vite serves it with hot reload and proxies the API's paths to a running API
 * (SIGNOFF_API_URL, default http://127.0.0.1:3000).
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';
import Components from 'unplugin-vue-components/vite';
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers';

const api = process.env.SIGNOFF_API_URL ?? 'http://127.0.0.1:3000';
const proxied = ['/api', '/docs', '/health', '/ready', '/openapi.json', '/metrics'];

export default defineConfig({
  plugins: [
    vue(),
    // Element Plus on demand: only the components a page uses (and their CSS) end up in its chunk.
    Components({ resolvers: [ElementPlusResolver({ importStyle: 'css' })], dts: 'src/components.d.ts' }),
  ],
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  server: {
    port: Number(process.env.WEB_DEV_PORT ?? 5173),
    proxy: Object.fromEntries(proxied.map((p) => [p, { target: api, changeOrigin: false }])),
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 800,
    // One manifest so tests and the bundle report can tell the entry from the lazy chunks.
    manifest: true,
  },
  test: {
    environment: 'happy-dom',
    include: ['src/**/*.spec.ts'],
    css: false,
    // Mounting Element Plus in happy-dom is slow on a busy 2-core machine; these are not timing tests.
    testTimeout: 30_000,
    server: { deps: { inline: ['element-plus'] } },
  },
});
