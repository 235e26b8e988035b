/**
 * Attachments: upload with progress and download with the session's token. Both go around the
 * typed JSON client: an upload is multipart (XMLHttpRequest, for upload progress), a download
 * is bytes that must carry the Authorization header, so a plain link cannot fetch them.
 */
import { accessTokenFresh, getTokens, refreshTokens } from './session';
import { ApiError, type Problem } from './problem';
import type { Attachment } from './types';

export const FILES = '/api/v1/files';

async function bearer(): Promise<string | undefined> {
  let tokens = getTokens();
  if (tokens && !accessTokenFresh(tokens)) tokens = await refreshTokens(tokens.accessToken);
  return tokens ? `Bearer ${tokens.accessToken}` : undefined;
}

function problemOf(status: number, text: string, statusText: string): ApiError {
  let p: Partial<Problem> = {};
  try {
    p = JSON.parse(text) as Partial<Problem>;
  } catch {
    /* not problem+json */
  }
  return new ApiError({ status, code: p.code ?? `http_${status}`, title: p.title ?? statusText, detail: p.detail, errors: p.errors });
}

/** Upload one file; resolves to the attachment reference a form takes. */
export async function uploadFile(file: File, onProgress: (percent: number) => void = () => undefined): Promise<Attachment> {
  const auth = await bearer();
  return new Promise<Attachment>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', FILES);
    if (auth) xhr.setRequestHeader('authorization', auth);
    xhr.setRequestHeader('accept', 'application/json');
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(Math.round((e.loaded / e.total) * 100));
    };
    xhr.onerror = () => reject(new ApiError({ status: 0, code: 'network_error', title: 'Network error' }));
    xhr.onload = () => {
      if (xhr.status !== 201) return reject(problemOf(xhr.status, xhr.responseText, xhr.statusText));
      const stored = (JSON.parse(xhr.responseText) as { items: { id: string; name: string; size: number }[] }).items[0];
      resolve({ fileId: stored.id, name: stored.name, size: stored.size });
    };
    const body = new FormData();
    body.append('files', file, file.name);
    xhr.send(body);
  });
}

/** Fetch a file with the session and hand it to the browser as a download under its name. */
export async function downloadFile(a: Pick<Attachment, 'fileId' | 'name'>): Promise<void> {
  const auth = await bearer();
  const res = await fetch(`${FILES}/${encodeURIComponent(a.fileId)}`, { headers: auth ? { authorization: auth } : {} });
  if (!res.ok) throw problemOf(res.status, await res.text(), res.statusText);
  const url = URL.createObjectURL(await res.blob());
  try {
    const link = document.createElement('a');
    link.href = url;
    link.download = a.name;
    document.body.appendChild(link);
    link.click();
    link.remove();
  } finally {
    // Give the browser a moment to start the download before the object URL goes.
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
}
