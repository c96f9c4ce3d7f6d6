// Installations waiting to be sent, kept in IndexedDB so they survive a lost network (and a closed
// browser). Sent oldest first; a network failure stops the round and keeps everything, a refusal by
// the server keeps the entry with its reason for the installer to see.

export interface OutboxEntry {
  id: string;
  workOrderId: string;
  body: Record<string, unknown>;
  queuedAt: string;
  attempts: number;
  rejectedReason?: string;
}

export type SendResult = { outcome: "sent" } | { outcome: "rejected"; reason: string } | { outcome: "offline" };

const STORE = "submissions";
const VERSION = 1;

function promised<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function finished(transaction: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    transaction.oncomplete = () => resolve();
    transaction.onerror = () => reject(transaction.error);
    transaction.onabort = () => reject(transaction.error);
  });
}

export class Outbox {
  private database: Promise<IDBDatabase> | null = null;

  constructor(
    private readonly name = "gridvend-installer",
    private readonly factory: IDBFactory = indexedDB,
  ) {}

  private open(): Promise<IDBDatabase> {
    this.database ??= new Promise((resolve, reject) => {
      const request = this.factory.open(this.name, VERSION);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "id" });
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    return this.database;
  }

  async add(workOrderId: string, body: Record<string, unknown>, now = new Date()): Promise<OutboxEntry> {
    const entry: OutboxEntry = {
      id: `${now.getTime()}-${Math.random().toString(36).slice(2, 10)}`,
      workOrderId,
      body,
      queuedAt: now.toISOString(),
      attempts: 0,
    };
    await this.put(entry);
    return entry;
  }

  async list(): Promise<OutboxEntry[]> {
    const database = await this.open();
    const entries = await promised(database.transaction(STORE).objectStore(STORE).getAll() as IDBRequest<OutboxEntry[]>);
    return entries.sort((a, b) => a.queuedAt.localeCompare(b.queuedAt) || a.id.localeCompare(b.id));
  }

  async remove(id: string): Promise<void> {
    const database = await this.open();
    const transaction = database.transaction(STORE, "readwrite");
    transaction.objectStore(STORE).delete(id);
    await finished(transaction);
  }

  private async put(entry: OutboxEntry): Promise<void> {
    const database = await this.open();
    const transaction = database.transaction(STORE, "readwrite");
    transaction.objectStore(STORE).put(entry);
    await finished(transaction);
  }

  /** Sends what waits (not what the server refused before); returns how many went. */
  async flush(send: (entry: OutboxEntry) => Promise<SendResult>): Promise<{ sent: number; waiting: number }> {
    let sent = 0;
    for (const entry of await this.list()) {
      if (entry.rejectedReason) continue;
      const result = await send(entry);
      if (result.outcome === "offline") {
        await this.put({ ...entry, attempts: entry.attempts + 1 });
        break;
      }
      if (result.outcome === "sent") {
        await this.remove(entry.id);
        sent += 1;
      } else {
        await this.put({ ...entry, attempts: entry.attempts + 1, rejectedReason: result.reason });
      }
    }
    const waiting = (await this.list()).filter((entry) => !entry.rejectedReason).length;
    return { sent, waiting };
  }

  close(): void {
    void this.database?.then((database) => database.close());
    this.database = null;
  }
}
