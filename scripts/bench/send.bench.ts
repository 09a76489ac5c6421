/**
 * Survey email throughput: queues 10,000 invitations (size with --count) and sends them through the
 * real send worker to a local SMTP sink (smtp-server, on loopback), printing messages/s and peak RSS.
 * In the same run, bare Nodemailer with the same pool size sends the same number of plain messages to
 * the same sink, and the ratio is printed.
 *   npm run bench:send [-- --count 10000 --connections 5 --workers 2]
 */
import { parseArgs } from 'node:util';
import { createTransport } from 'nodemailer';
import { SMTPServer } from 'smtp-server';

import { createSmtpMailer } from '../../server/sending/mailer.js';
import { countCommands, openBenchDatabase, trackPeakRss } from './bench-db.js';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '10000' },
    connections: { type: 'string', default: '5' },
    workers: { type: 'string', default: '2' },
  },
});
const count = Number(values.count);
const connections = Number(values.connections);
const workers = Number(values.workers);

let accepted = 0;
const sink = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  maxClients: 100,
  onData(stream, _session, callback) {
    stream.on('end', () => {
      accepted++;
      callback();
    });
    stream.resume();
  },
});
await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
const address = sink.server.address();
const url = `smtp://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

const db = await openBenchDatabase();
try {
  await db.models.contacts.collection.insertMany(
    Array.from({ length: count }, (_, i) => ({
      email: `customer${i}@example.com`,
      name: `Customer ${i}`,
      properties: { plan: 'Pro' },
    })),
  );
  const survey = await db.models.surveys.create({
    name: 'Bench',
    companyName: 'Acme',
    questions: {
      recommend: 'How likely are you to recommend {company} to a friend or colleague?',
      repurchase: 'Would you buy from {company} again?',
      reason: 'Why?',
    },
    status: 'active',
  });

  const commands = countCommands(db.connection);
  const stopRss = trackPeakRss();
  let started = performance.now();
  await db.services.sendQueue.queue(String(survey._id), {
    filters: [],
    throttleDays: 0,
  });
  const queueSeconds = (performance.now() - started) / 1000;
  const queueCommands = commands.per(count, 'invitation');
  commands.reset();

  const mailer = createSmtpMailer({ url, maxConnections: connections, ratePerSecond: 0 });
  started = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async (_, i) => {
      const worker = db.services.newSendWorker({
        mailer,
        baseUrl: 'https://nps.example.com',
        mailFrom: 'NPS <s@example.com>',
        policy: { concurrency: connections * 4 },
        workerId: `bench-${i}`,
      });
      while ((await worker.runOnce()) > 0)
        process.stderr.write(`\r  sent ${accepted.toLocaleString('en')} of ${count.toLocaleString('en')}`);
    }),
  );
  const sendSeconds = (performance.now() - started) / 1000;
  const sendCommands = commands.per(count, 'message');
  const peakMb = stopRss();
  process.stderr.write('\n');
  await mailer.close();
  if (accepted !== count) throw new Error(`sink accepted ${accepted}, expected ${count}`);

  // Bare baseline: the same pool size, plain messages, no database.
  accepted = 0;
  const bare = createTransport({ url, pool: true, maxConnections: connections, maxMessages: 1000 });
  started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: connections * 4 }, async () => {
      while (next < count) {
        const i = next++;
        await bare.sendMail({
          from: 's@example.com',
          to: `customer${i}@example.com`,
          subject: 'Hello',
          text: `Message ${i}`,
        });
      }
    }),
  );
  const bareSeconds = (performance.now() - started) / 1000;
  bare.close();

  const rate = count / sendSeconds;
  const bareRate = count / bareSeconds;
  console.log(`engine: ${db.engine}; ${workers} workers, pool of ${connections} SMTP connections`);
  console.log(`queue ${count.toLocaleString('en')} invitations: ${queueSeconds.toFixed(2)} s`);
  console.log(
    `survey email: ${count.toLocaleString('en')} sent in ${sendSeconds.toFixed(1)} s = ${Math.round(rate)} messages/s, peak RSS ${peakMb} MB`,
  );
  console.log(`database while queueing: ${queueCommands}`);
  console.log(`database while sending: ${sendCommands}`);
  console.log(`bare Nodemailer: ${bareSeconds.toFixed(1)} s = ${Math.round(bareRate)} messages/s`);
  console.log(`ratio survey email / bare: ${(rate / bareRate).toFixed(2)}`);
} finally {
  await db.close();
  await new Promise<void>((resolve) => sink.close(() => resolve()));
}
