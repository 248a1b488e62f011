/**
 * The Raft's files under a node's data directory, for disk faults: its log first (truncate cuts its
 * tail), then the term and vote and the snapshot (log-store.ts, snapshot.ts). Named once here for
 * `--target raft` and for the Raft run as `--target custom` (`--disk-files`).
 */
export const RAFT_DISK_FILES = ['log.jsonl', 'meta.json', 'snapshot.json'] as const;

/** `--disk-files` for the Raft as a custom target, whose nodes keep their files in `{data}/{node}/`. */
export const RAFT_CUSTOM_DISK_FILES = RAFT_DISK_FILES.map((f) => `{node}/${f}`).join(',');
