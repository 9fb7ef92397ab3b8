/**
 * A real SMTP server in the test process (the `smtp-server` package), keeping every mail it accepts,
 * parsed. It can be stopped and started again on the same port, to play a mail server that is down.
 */
import { simpleParser, type ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string;
  from: string;
  subject: string;
  text: string;
  html: string;
  /** The whole message as it came over the wire, for leak searches. */
  raw: string;
}

export interface SmtpInbox {
  readonly url: string;
  readonly mails: ReceivedMail[];
  /** Stops accepting connections: senders see a server that is down. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
  close(): Promise<void>;
}

function createServer(mails: ReceivedMail[]): SMTPServer {
  return new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw).then(
          (parsed: ParsedMail) => {
            for (const recipient of session.envelope.rcptTo) {
              mails.push({
                to: recipient.address,
                from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
                subject: parsed.subject ?? '',
                text: parsed.text ?? '',
                html: typeof parsed.html === 'string' ? parsed.html : '',
                raw,
              });
            }
            callback();
          },
          (error: Error) => callback(error),
        );
      });
    },
  });
}

function listen(server: SMTPServer, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.server.address() as AddressInfo).port);
    });
  });
}

export async function startSmtpInbox(): Promise<SmtpInbox> {
  const mails: ReceivedMail[] = [];
  let server: SMTPServer | undefined = createServer(mails);
  const port = await listen(server, 0);
  const stop = async () => {
    const running = server;
    server = undefined;
    if (running) await new Promise<void>((resolve) => running.close(() => resolve()));
  };
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    stop,
    async start() {
      if (server) return;
      server = createServer(mails);
      await listen(server, port);
    },
    close: stop,
  };
}
