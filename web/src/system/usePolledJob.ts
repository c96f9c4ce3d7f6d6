import { useEffect, useState } from "react";

import type { ApiClient } from "../api/client";
import { isFinished, type JobView } from "./jobs";

const POLL_MS = 1500;

/** A job as its path reports it, read again until it finishes; starts from the answer that queued it. */
export function usePolledJob(client: ApiClient, path: string | null, started: JobView | null): { job: JobView | null; error: string } {
  const [job, setJob] = useState<JobView | null>(started);
  const [error, setError] = useState("");
  const [round, setRound] = useState(0);
  useEffect(() => setJob(started), [started]);
  useEffect(() => {
    if (!path || isFinished(job)) return;
    let current = true;
    const timer = setTimeout(() => {
      client
        .get<JobView>(path)
        .then((answer) => {
          if (!current) return;
          setJob(answer);
          setError("");
          setRound((value) => value + 1);
        })
        .catch((failure: Error) => current && setError(failure.message));
    }, round === 0 ? 0 : POLL_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client, path, round, job?.status]);
  return { job, error };
}
