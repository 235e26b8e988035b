/** Attachments: upload, my uploads, download (where allowed), delete. */
import type { Context } from 'koa';
import { PageOf } from '../../common/pagination';
import { IdParams, route, type RouteModule } from '../route';
import { FILES_PREFIX, FileListQuery, FileView, UploadResult } from '../../activities/files/schema';

/**
 * `attachment` with an ASCII fallback and the exact UTF-8 name (RFC 6266 / 5987): quotes,
 * backslashes and line breaks never reach the header.
 */
function contentDisposition(name: string): string {
  const ascii = name.replace(/[^A-Za-z0-9 ._()-]/g, '_').slice(0, 150) || 'file';
  const utf8 = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${utf8}`;
}

function sendFile(ctx: Context, file: FileView) {
  ctx.set('Content-Type', file.contentType);
  ctx.set('Content-Length', String(file.size));
  ctx.set('Content-Disposition', contentDisposition(file.name));
  // The browser must take the sniffed type as given and never run the file as a page.
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.set('Content-Security-Policy', "default-src 'none'; sandbox");
  ctx.set('Cache-Control', 'private, no-store');
  ctx.set('ETag', `"${file.sha256}"`);
}

export const filesModule: RouteModule = {
  prefix: FILES_PREFIX,
  tag: 'Files',
  routes: [
    route({
      method: 'post',
      path: '/',
      apiKey: ['approval:submit', 'workspace:write'],
      summary: 'Upload files (multipart/form-data)',
      description:
        'One or more file parts (any field name; `files` by convention). Limits: FILE_MAX_BYTES per file (413 `file_too_large`), FILE_MAX_COUNT files (413 `too_many_files`). The content type is sniffed from the bytes; types outside FILE_ALLOWED_TYPES are 422 `file_type_not_allowed`. All files are stored or none.',
      multipartFiles: 'files',
      status: 201,
      response: UploadResult,
      errors: [413, 415],
      handler: ({ rt, actor, ctx }) => rt.services.files.upload(actor, ctx.req, ctx.req.headers),
    }),
    route({
      method: 'get',
      path: '/',
      apiKey: ['approval:submit', 'workspace:read'],
      summary: 'My uploads',
      query: FileListQuery,
      response: PageOf(FileView),
      handler: ({ rt, actor, query }) => rt.services.files.listMine(actor, query),
    }),
    route({
      method: 'get',
      path: '/:id',
      apiKey: ['approval:submit', 'approval:act', 'workspace:read'],
      summary: 'Download a file',
      description: 'For its uploader, anyone who may see a request it is attached to, and the owner of a to-do it is attached to; 404 for everyone else.',
      params: IdParams,
      binaryResponse: true,
      errors: [404],
      handler: async ({ rt, actor, params, ctx }) => {
        const { file, stream } = await rt.services.files.open(actor, params.id);
        sendFile(ctx, file);
        return stream;
      },
    }),
    route({
      method: 'delete',
      path: '/:id',
      apiKey: ['approval:submit', 'workspace:write'],
      summary: 'Delete one of my uploads',
      description: 'Only while no request or to-do refers to it (409 `file_in_use`).',
      params: IdParams,
      status: 204,
      errors: [404, 409],
      handler: ({ rt, actor, params }) => rt.services.files.remove(actor, params.id),
    }),
  ],
};
