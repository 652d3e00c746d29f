// `pnpm bench`: measures runlog against the floor of merely reading the same bytes.
//
//   node scripts/bench/bench.mjs [--size 256] [--seed 1] [--rounds 3] [--sizes 64,256,1024]
//
// In each round, alternating, it runs: `cat` over the files, a plain Node read of the files,
// `runlog analyze --format json`, and `runlog events`; and reports the median wall time, MB/s,
// lines/s and peak RSS of each, with the ratio to `cat`. With --sizes it also reports how peak
// RSS changes with the input size (flat memory is the goal).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, createReadStream } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from './generate.mjs';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const cli = join(root, 'packages/cli/dist/bin.js');

function args() {
  const a = { size: 256, seed: 1, rounds: 3, sizes: null };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--size') a.size = Number(argv[++i]);
    else if (argv[i] === '--seed') a.seed = Number(argv[++i]);
    else if (argv[i] === '--rounds') a.rounds = Number(argv[++i]);
    else if (argv[i] === '--sizes') a.sizes = argv[++i].split(',').map(Number);
  }
  return a;
}

function dataset(size, seed) {
  const dir = join(root, '.bench', `diag-${size}mb-s${seed}`);
  if (!existsSync(dir)) {
    process.stderr.write(`generating ${size} MB of synthetic _diag into ${dir} ...\n`);
    generate({ size, seed, out: dir, page: 8 });
  }
  const files = readdirSync(dir).map((f) => join(dir, f)).sort();
  const bytes = files.reduce((n, f) => n + statSync(f).size, 0);
  return { dir, files, bytes };
}

/** Runs a command under GNU time: wall seconds and peak RSS (KB). */
function timed(cmd, argv, stdoutToNull = true) {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', cmd, ...argv], {
    cwd: root,
    stdio: ['ignore', stdoutToNull ? 'ignore' : 'pipe', 'pipe'],
    maxBuffer: 1 << 26,
    env: { ...process.env, NO_COLOR: '1' },
  });
  const lines = r.stderr.toString().trim().split('\n');
  const [wall, rss] = lines[lines.length - 1].split(' ').map(Number);
  if (r.status !== 0 && r.status !== 1) throw new Error(`${cmd} ${argv.join(' ')} exited ${r.status}: ${lines.slice(-3).join(' ')}`);
  return { wall, rssKb: rss };
}

/** The plain Node read: stream every file, touching each chunk (the floor for a Node reader). */
const NODE_READ = `
const fs = require('fs');
const files = fs.readdirSync(process.argv[1]).map((f) => process.argv[1] + '/' + f);
let n = 0;
(async () => { for (const f of files) { for await (const c of fs.createReadStream(f, { highWaterMark: 262144 })) n += c.length; } console.log(n); })();
`;

function lineCount(files) {
  return new Promise((resolveCount) => {
    let count = 0;
    let i = 0;
    const next = () => {
      if (i >= files.length) return resolveCount(count);
      const s = createReadStream(files[i++]);
      s.on('data', (c) => {
        for (let k = c.indexOf(10); k >= 0; k = c.indexOf(10, k + 1)) count++;
      });
      s.on('end', next);
    };
    next();
  });
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function benchOne(size, seed, rounds) {
  const ds = dataset(size, seed);
  const lines = await lineCount(ds.files);
  const commands = [
    ['cat', 'sh', ['-c', `find '${ds.dir}' -type f -print0 | xargs -0 cat > /dev/null`]],
    ['node read', process.execPath, ['-e', NODE_READ, ds.dir]],
    ['runlog analyze --format json', process.execPath, [cli, 'analyze', ds.dir, '--format', 'json']],
    ['runlog events', process.execPath, [cli, 'events', ds.dir]],
  ];
  // Warm the page cache so every command reads from memory.
  timed(...commands[0].slice(1));
  const samples = new Map(commands.map(([name]) => [name, []]));
  for (let r = 0; r < rounds; r++) {
    for (const [name, cmd, argv] of commands) samples.get(name).push(timed(cmd, argv));
  }
  const mb = ds.bytes / 1024 / 1024;
  const catWall = median(samples.get('cat').map((s) => s.wall));
  const rows = commands.map(([name]) => {
    const s = samples.get(name);
    const wall = median(s.map((x) => x.wall));
    const rss = Math.max(...s.map((x) => x.rssKb)) / 1024;
    return { name, wall, mbps: mb / Math.max(wall, 0.001), lps: lines / Math.max(wall, 0.001), rss, ratio: wall / Math.max(catWall, 0.001) };
  });
  return { size, files: ds.files.length, mb, lines, rows };
}

function table(res) {
  const out = [];
  out.push(`input: ${res.mb.toFixed(0)} MB, ${res.files} files, ${res.lines.toLocaleString('en-US')} lines`);
  out.push('| command | wall (s, median) | MB/s | lines/s | peak RSS (MB) | × cat |');
  out.push('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const r of res.rows) {
    out.push(`| ${r.name} | ${r.wall.toFixed(2)} | ${r.mbps.toFixed(0)} | ${Math.round(r.lps).toLocaleString('en-US')} | ${r.rss.toFixed(0)} | ${r.ratio.toFixed(1)} |`);
  }
  return out.join('\n');
}

const a = args();
const cpu = cpus();
console.log(`machine: ${cpu.length} × ${cpu[0]?.model ?? 'cpu'}, ${(totalmem() / 1024 ** 3).toFixed(0)} GiB RAM, Node ${process.version}`);
console.log(`rounds: ${a.rounds}, alternating; page cache warm\n`);
const sizes = a.sizes ?? [a.size];
const results = [];
for (const size of sizes) {
  const res = await benchOne(size, a.seed, a.rounds);
  results.push(res);
  console.log(table(res));
  console.log('');
}
if (results.length > 1) {
  console.log('peak RSS of `runlog analyze` by input size:');
  for (const r of results) console.log(`  ${String(r.size).padStart(5)} MB → ${r.rows[2].rss.toFixed(0)} MB`);
  const rss = results.map((r) => r.rows[2].rss);
  console.log(`  spread: ${(((Math.max(...rss) - Math.min(...rss)) / Math.min(...rss)) * 100).toFixed(0)}% (target: within 20%)`);
}
