import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

/**
 * A single-node SLURM cluster for the tests (Debian's slurm-wlm and munge): munged, slurmctld and slurmd started
 * from a private folder with their own key, sockets, state and ports; torn down after. No slurmdbd (accounting off):
 * cryodx never needs sacct.
 */
export const SLURM_BINARIES = ['munged', 'slurmctld', 'slurmd', 'sbatch', 'squeue', 'scontrol', 'sinfo'];

export function slurmMissing(): string[] {
  const dirs = (process.env['PATH'] ?? '').split(':').concat(['/usr/sbin', '/sbin']);
  return SLURM_BINARIES.filter((b) => !dirs.some((d) => existsSync(join(d, b))));
}

export interface Cluster {
  dir: string;
  env: NodeJS.ProcessEnv;
  stop(): void;
}

function which(b: string): string {
  for (const d of (process.env['PATH'] ?? '').split(':').concat(['/usr/sbin', '/sbin']))
    if (existsSync(join(d, b))) return join(d, b);
  throw new Error(`${b} not found`);
}

export function startCluster(): Cluster {
  const dir = mkdtempSync(join(tmpdir(), 'cryodx-slurm-'));
  for (const d of ['state', 'spool', 'log', 'munge']) mkdirSync(join(dir, d));
  const key = join(dir, 'munge', 'munge.key');
  writeFileSync(key, Buffer.from(Array.from({ length: 1024 }, () => Math.floor(Math.random() * 256))));
  chmodSync(key, 0o600);
  const socket = join(dir, 'munge', 'munge.sock');
  execFileSync(which('munged'), [
    '--force',
    `--key-file=${key}`,
    `--socket=${socket}`,
    `--pid-file=${join(dir, 'munge', 'munged.pid')}`,
    `--log-file=${join(dir, 'munge', 'munged.log')}`,
    `--seed-file=${join(dir, 'munge', 'seed')}`,
  ]);
  const host = hostname().split('.')[0]!;
  const user = userInfo().username;
  const port = 20000 + Math.floor(Math.random() * 20000);
  const conf = join(dir, 'slurm.conf');
  writeFileSync(
    conf,
    [
      'ClusterName=cryodxtest',
      `SlurmctldHost=${host}`,
      `SlurmUser=${user}`,
      `SlurmdUser=${user}`,
      `SlurmctldPort=${port}`,
      `SlurmdPort=${port + 1}`,
      'AuthType=auth/munge',
      `AuthInfo=socket=${socket}`,
      'CryptoType=crypto/munge',
      `StateSaveLocation=${join(dir, 'state')}`,
      `SlurmdSpoolDir=${join(dir, 'spool')}`,
      `SlurmctldPidFile=${join(dir, 'slurmctld.pid')}`,
      `SlurmdPidFile=${join(dir, 'slurmd.pid')}`,
      `SlurmctldLogFile=${join(dir, 'log', 'slurmctld.log')}`,
      `SlurmdLogFile=${join(dir, 'log', 'slurmd.log')}`,
      'ProctrackType=proctrack/linuxproc',
      'TaskPlugin=task/none',
      'JobCompType=jobcomp/filetxt',
      `JobCompLoc=${join(dir, 'log', 'jobcomp.txt')}`,
      'JobAcctGatherType=jobacct_gather/none',
      'AccountingStorageType=accounting_storage/none',
      'SchedulerType=sched/backfill',
      'SchedulerParameters=sched_min_interval=100000',
      'SelectType=select/cons_tres',
      'SelectTypeParameters=CR_Core',
      'ReturnToService=2',
      'MpiDefault=none',
      'SwitchType=switch/none',
      'MinJobAge=30',
      `NodeName=${host} CPUs=${Math.max(2, cpus())} State=UNKNOWN`,
      `PartitionName=cryodx Nodes=${host} Default=YES MaxTime=INFINITE State=UP`,
      '',
    ].join('\n'),
  );
  const env = { ...process.env, SLURM_CONF: conf };
  execFileSync(which('slurmctld'), ['-f', conf], { env });
  execFileSync(which('slurmd'), ['-f', conf], { env });
  const stop = (): void => {
    spawnSync(which('scontrol'), ['shutdown'], { env });
    for (const pid of ['slurmctld.pid', 'slurmd.pid', 'munge/munged.pid'].map((p) => join(dir, p)))
      if (existsSync(pid)) spawnSync('kill', [readFileSync(pid, 'utf8').trim()]);
  };
  // Up when the node is idle (slurmd registered with slurmctld).
  for (let i = 0; i < 100; i++) {
    const r = spawnSync(which('sinfo'), ['-h', '-o', '%T'], { env, encoding: 'utf8' });
    if (r.stdout.trim() === 'idle') return { dir, env, stop };
    spawnSync('sleep', ['0.2']);
  }
  const logs = ['slurmctld.log', 'slurmd.log'].map((l) => readFileSync(join(dir, 'log', l), 'utf8').slice(-2000));
  stop();
  throw new Error(`SLURM did not come up in 20 s:\n${logs.join('\n')}`);
}

function cpus(): number {
  return Number(execFileSync('nproc', { encoding: 'utf8' }).trim()) || 2;
}
