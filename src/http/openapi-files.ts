import { err } from './openapi-parts';
import { ok } from './openapi-responses';

/** The OpenAPI part of evidence files (issue 13): upload, the original, its thumbnail. */

const fileIdParameter = {
  name: 'id',
  in: 'path',
  required: true,
  description: 'The file’s id, as `POST /files` answered it',
  schema: { type: 'string', format: 'uuid' },
};

const binary = (types: string[]) =>
  Object.fromEntries(types.map((type) => [type, { schema: { type: 'string', format: 'binary' } }]));

const readRefusals = {
  '304': { description: 'Not modified (`If-None-Match` named its ETag)' },
  '401': err('No or bad credentials'),
  '404': err(
    'Unknown, another brigade’s, or not readable by you: a file is readable by whoever may read a record it is attached to, and until it is attached by its uploader only',
  ),
};

export function filesPaths(): Record<string, unknown> {
  return {
    '/api/v1/files': {
      post: {
        summary:
          'Upload an evidence file: a photo (JPEG, PNG, WebP; HEIC where the server’s image library reads it) or a PDF, as multipart/form-data in the field `file`, at most `files.maxBytes` (15 MB). The type is judged from the content (a renamed executable is 415). Attach it by naming its id in `files` of a step (holding check, spot check, audit, incident, results, problem report or rebound, border notice, goods registration/return/disposal, transfer materials); a file attached to nothing is visible only to you and removed after 24 h',
        requestBody: {
          required: true,
          content: {
            'multipart/form-data': {
              schema: {
                type: 'object',
                required: ['file'],
                properties: { file: { type: 'string', format: 'binary', description: 'The file' } },
              },
            },
          },
        },
        responses: {
          '201': ok('Stored (photos: with size as seen, EXIF time and place when present)', 'EvidenceFile'),
          '400': err('No file in the field `file`, or a malformed multipart body'),
          '401': err('No or bad credentials'),
          '413': err('Larger than `files.maxBytes` (payload_too_large)'),
          '415': err(
            'Not a photo or PDF by its content (unsupported_file_type), or a body that is not multipart/form-data',
          ),
        },
      },
    },
    '/api/v1/files/{id}': {
      parameters: [fileIdParameter],
      get: {
        summary:
          'The original file, byte for byte, with its type (Content-Type), its name (Content-Disposition) and its SHA-256 as ETag',
        responses: {
          '200': {
            description: 'The file',
            content: binary(['image/jpeg', 'image/png', 'image/webp', 'image/heic', 'application/pdf']),
          },
          ...readRefusals,
        },
      },
    },
    '/api/v1/files/{id}/thumbnail': {
      parameters: [fileIdParameter],
      get: {
        summary:
          'A photo’s thumbnail (at most `files.thumbnailPx`, 480 px, EXIF orientation applied); a PDF’s is a document icon',
        responses: {
          '200': { description: 'The thumbnail', content: binary(['image/webp']) },
          ...readRefusals,
        },
      },
    },
  };
}
