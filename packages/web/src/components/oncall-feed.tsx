/** A schedule's secret iCalendar URL: create (or rotate) it, shown once; revoke it. */
import type { FeedCreated, ScheduleDetail } from '@headroom/core/api/schedule';
import { useState } from 'react';
import { del, post, seg } from '../api/client';
import { useAction } from '../api/hooks';
import { useCanWrite } from '../auth';
import { Card, ProblemBox, Time } from './ui';

export function FeedCard({ schedule, onChange }: { schedule: ScheduleDetail; onChange: () => void }) {
  const canWrite = useCanWrite();
  const [created, setCreated] = useState<FeedCreated | null>(null);
  const [copied, setCopied] = useState(false);
  const path = `/schedules/${seg(schedule.name)}/feed`;
  const create = useAction(async () => {
    setCreated(await post<FeedCreated>(path));
    setCopied(false);
    onChange();
  });
  const revoke = useAction(async () => {
    await del(path);
    setCreated(null);
    onChange();
  });
  return (
    <Card title="Calendar feed">
      <p className="muted" style={{ marginTop: 0 }}>
        A secret iCalendar URL of the final schedule, for calendar apps. Anyone with the URL can read the
        schedule.
      </p>
      <p>
        {schedule.feed.active ? (
          <>
            A URL is active, made <Time at={schedule.feed.createdAt} />.
          </>
        ) : (
          'No URL is active.'
        )}
      </p>
      {created && (
        <div className="stack" style={{ gap: 4, marginBottom: 8 }}>
          <strong>Copy it now: it is shown only once.</strong>
          <code className="secret-url">{created.url}</code>
          <div className="row">
            <button
              type="button"
              onClick={() =>
                void navigator.clipboard?.writeText(created.url).then(
                  () => setCopied(true),
                  () => setCopied(false),
                )
              }
            >
              Copy URL
            </button>
            {copied && <span className="ok-text">Copied</span>}
            {created.rotated && <span className="muted">The earlier URL no longer works.</span>}
          </div>
        </div>
      )}
      {canWrite && (
        <div className="row">
          <button type="button" disabled={create.pending} onClick={() => void create.run()}>
            {schedule.feed.active ? 'Make a new URL (revokes the old one)' : 'Make a feed URL'}
          </button>
          {schedule.feed.active && (
            <button
              type="button"
              className="danger"
              disabled={revoke.pending}
              onClick={() => void revoke.run()}
            >
              Revoke
            </button>
          )}
        </div>
      )}
      <ProblemBox error={create.error ?? revoke.error} />
    </Card>
  );
}
