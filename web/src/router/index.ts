/**
 * Routes of the console. Pages load on demand (the designer is its own chunk); `meta.permission`
 * hides a page from people without it (the server checks anyway), `meta.public` skips sign-in.
 */
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import { useAuth } from '@/stores/auth';
import AppLayout from '@/layouts/AppLayout.vue';
import LoginPage from '@/pages/LoginPage.vue';

declare module 'vue-router' {
  interface RouteMeta {
    public?: boolean;
    /** Permission code the page needs. */
    permission?: string;
    /** i18n key of the page title. */
    title?: string;
  }
}

const routes: RouteRecordRaw[] = [
  { path: '/login', name: 'login', component: LoginPage, meta: { public: true, title: 'auth.signIn' } },
  {
    path: '/',
    component: AppLayout,
    children: [
      { path: '', name: 'home', component: () => import('@/pages/HomePage.vue'), meta: { title: 'nav.home' } },
      { path: 'workspace/messages', name: 'messages', component: () => import('@/pages/workspace/MessagesPage.vue'), meta: { title: 'nav.messages' } },
      { path: 'workspace/announcements', name: 'announcements', component: () => import('@/pages/workspace/AnnouncementsPage.vue'), meta: { title: 'nav.announcements' } },
      { path: 'workspace/todos', name: 'todos', component: () => import('@/pages/workspace/TodosPage.vue'), meta: { title: 'nav.todos' } },
      { path: 'workspace/plans', name: 'plans', component: () => import('@/pages/workspace/PlanPage.vue'), meta: { title: 'nav.plans' } },
      { path: 'approvals/inbox', name: 'inbox', component: () => import('@/pages/approvals/InboxPage.vue'), meta: { title: 'nav.inbox' } },
      { path: 'approvals/started', name: 'started', component: () => import('@/pages/approvals/InboxPage.vue'), props: { fixedBox: 'started' }, meta: { title: 'nav.started' } },
      { path: 'approvals/new', name: 'new-request', component: () => import('@/pages/approvals/NewRequestPage.vue'), meta: { title: 'nav.newRequest' } },
      { path: 'approvals/new/:templateId', name: 'new-request-form', component: () => import('@/pages/approvals/NewRequestPage.vue'), props: true, meta: { title: 'nav.newRequest' } },
      { path: 'approvals/requests/:id', name: 'request', component: () => import('@/pages/approvals/RequestPage.vue'), props: true, meta: { title: 'request.title' } },
      { path: 'approvals/templates', name: 'templates', component: () => import('@/pages/templates/TemplateListPage.vue'), meta: { title: 'nav.templates', permission: 'template:read' } },
      {
        path: 'approvals/templates/:id',
        name: 'designer',
        component: () => import('@/pages/templates/DesignerPage.vue'),
        props: true,
        meta: { title: 'designer.title', permission: 'template:read' },
      },
      { path: 'approvals/oversight', name: 'oversight', component: () => import('@/pages/approvals/OversightPage.vue'), meta: { title: 'nav.oversight', permission: 'approval:view-all' } },
      { path: 'approvals/stats', name: 'stats', component: () => import('@/pages/templates/StatsPage.vue'), meta: { title: 'nav.stats', permission: 'approval:view-all' } },
      { path: 'ops/schedules', name: 'schedules', component: () => import('@/pages/ops/SchedulesPage.vue'), meta: { title: 'nav.schedules', permission: 'tenant:read' } },
      { path: 'account/password', name: 'password', component: () => import('@/pages/account/PasswordPage.vue'), meta: { title: 'account.changePassword' } },
      { path: 'account/sessions', name: 'sessions', component: () => import('@/pages/account/SessionsPage.vue'), meta: { title: 'sessions.title' } },
      { path: 'forbidden', name: 'forbidden', component: () => import('@/pages/StatusPage.vue'), props: { kind: 'forbidden' }, meta: { title: 'status.forbiddenTitle' } },
      { path: ':pathMatch(.*)*', name: 'not-found', component: () => import('@/pages/StatusPage.vue'), props: { kind: 'notFound' }, meta: { title: 'status.notFoundTitle' } },
    ],
  },
];

export const router = createRouter({
  history: createWebHistory(),
  routes,
  scrollBehavior: (_to, _from, saved) => saved ?? { top: 0 },
});

router.beforeEach(async (to) => {
  const auth = useAuth();
  if (to.meta.public) return auth.signedIn && to.name === 'login' ? { name: 'home' } : true;
  if (!auth.signedIn) return { name: 'login', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} };
  if (!auth.me) {
    try {
      await auth.load();
    } catch {
      return auth.signedIn ? true : { name: 'login', query: { redirect: to.fullPath } };
    }
  }
  if (to.meta.permission && !auth.can(to.meta.permission)) return { name: 'forbidden' };
  return true;
});
