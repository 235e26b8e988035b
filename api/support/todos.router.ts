/** Personal to-dos of the caller. */
import { PageOf } from '../../common/pagination';
import { IdParams, route, type RouteModule } from '../route';
import { CreateTodoInput, TodoListQuery, TodoView, UpdateTodoInput } from '../../activities/support/todos/schema';

export const todosModule: RouteModule = {
  prefix: '/api/v1/todos',
  tag: 'To-dos',
  routes: [
    route({
      method: 'get',
      path: '/',
      apiKey: 'workspace:read',
      summary: 'My to-dos',
      description:
        'Filters: status, priority, tag, dueBefore/dueAfter (ISO instants), overdue, q (title or notes contain). Sort: dueAt | priority | createdAt, order asc | desc; undated to-dos come last when sorting by due date.',
      query: TodoListQuery,
      response: PageOf(TodoView),
      handler: ({ rt, actor, query }) => rt.services.todos.list(actor, query),
    }),
    route({
      method: 'post',
      path: '/',
      apiKey: 'workspace:write',
      summary: 'Create a to-do',
      body: CreateTodoInput,
      status: 201,
      response: TodoView,
      handler: ({ rt, actor, body }) => rt.services.todos.create(actor, body),
    }),
    route({
      method: 'get',
      path: '/:id',
      apiKey: 'workspace:read',
      summary: 'One of my to-dos',
      params: IdParams,
      response: TodoView,
      errors: [404],
      handler: ({ rt, actor, params }) => rt.services.todos.get(actor, params.id),
    }),
    route({
      method: 'patch',
      path: '/:id',
      apiKey: 'workspace:write',
      summary: 'Change a to-do (title, notes, priority, due time, tags, attachments)',
      params: IdParams,
      body: UpdateTodoInput,
      response: TodoView,
      errors: [404],
      handler: ({ rt, actor, params, body }) => rt.services.todos.update(actor, params.id, body),
    }),
    route({
      method: 'post',
      path: '/:id/complete',
      apiKey: 'workspace:write',
      summary: 'Mark a to-do done',
      params: IdParams,
      response: TodoView,
      errors: [404],
      handler: ({ rt, actor, params }) => rt.services.todos.setDone(actor, params.id, true),
    }),
    route({
      method: 'post',
      path: '/:id/reopen',
      apiKey: 'workspace:write',
      summary: 'Reopen a done to-do',
      params: IdParams,
      response: TodoView,
      errors: [404],
      handler: ({ rt, actor, params }) => rt.services.todos.setDone(actor, params.id, false),
    }),
    route({
      method: 'delete',
      path: '/:id',
      apiKey: 'workspace:write',
      summary: 'Delete a to-do',
      params: IdParams,
      status: 204,
      errors: [404],
      handler: ({ rt, actor, params }) => rt.services.todos.remove(actor, params.id),
    }),
  ],
};
