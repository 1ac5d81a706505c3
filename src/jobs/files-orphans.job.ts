import type { InstanceJob } from './job';

/**
 * Issue 13: uploads attached to no record are their uploader's alone; after
 * `files.orphanHours` (24 h) they are removed, and their bytes with them
 * when no other file row names the same content.
 */
export const filesOrphansJob: InstanceJob = {
  name: 'files-orphans',
  scope: 'instance',
  description: 'housekeeping',
  async run({ services }) {
    const { files, blobs } = await services.files.sweepOrphans();
    return { found: files, did: files, summary: { filesRemoved: files, blobsRemoved: blobs } };
  },
};
