/**
 * The "Feedback" button shown on every page, and its dialog to file an item. A native modal
 * <dialog>: the rest of the page is inert while it is open (focus stays inside), Escape closes it,
 * and focus goes back to the button afterwards. The item records the page it was filed from.
 */
import type { CreateFeedbackRequest, FeedbackBoard, FeedbackItem } from '@headroom/core/api/feedback';
import { FEEDBACK_KINDS } from '@headroom/core/discovery/feedback-workflow';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { Link, useLocation } from 'react-router';
import { post, seg } from '../api/client';
import { useAction, useApi } from '../api/hooks';
import { CAPABILITIES, KIND_LABELS, splitList, useCatalogChoices } from './feedback-common';
import { ProblemBox } from './ui';
import '../styles/discovery.css';

type Kind = (typeof FEEDBACK_KINDS)[number];

function FeedbackForm({ page, onFiled }: { page: string; onFiled: (item: FeedbackItem) => void }) {
  const catalog = useCatalogChoices();
  const boards = useApi<FeedbackBoard[]>('/feedback/boards');
  // On a service's page, the item is most likely about that service.
  const fromService = /^\/services\/([^/?#]+)/.exec(page)?.[1];
  const [kind, setKind] = useState<Kind>('pain-point');
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [services, setServices] = useState<string[]>(fromService ? [decodeURIComponent(fromService)] : []);
  const [capability, setCapability] = useState('');
  const [team, setTeam] = useState('');
  const [tags, setTags] = useState('');
  const [board, setBoard] = useState('');
  const file = useAction(async () => {
    const request: CreateFeedbackRequest = {
      kind,
      title: title.trim(),
      body,
      services,
      capability: (capability || null) as CreateFeedbackRequest['capability'],
      team: team || null,
      tags: splitList(tags),
      board: board.trim() || null,
      page,
    };
    onFiled(await post<FeedbackItem>('/feedback', request));
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void file.run();
  };
  return (
    <form className="stack" onSubmit={submit} aria-label="File feedback">
      <div className="fb-form-row">
        <label>
          Kind
          <select value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
            {FEEDBACK_KINDS.map((k) => (
              <option key={k} value={k}>
                {KIND_LABELS[k]}
              </option>
            ))}
          </select>
        </label>
        <label className="fb-grow">
          Title
          <input required maxLength={200} value={title} onChange={(e) => setTitle(e.target.value)} />
        </label>
      </div>
      <label>
        What happened, what you need (Markdown)
        <textarea value={body} onChange={(e) => setBody(e.target.value)} maxLength={20_000} rows={5} />
      </label>
      <div className="fb-form-row">
        <label className="fb-grow">
          Services
          <select
            multiple
            size={4}
            value={services}
            onChange={(e) => setServices([...e.target.selectedOptions].map((o) => o.value))}
          >
            {catalog.services.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
          <span className="hint">Ctrl/⌘-click to pick several.</span>
        </label>
        <div className="stack fb-grow">
          <label>
            Platform capability
            <select value={capability} onChange={(e) => setCapability(e.target.value)}>
              <option value="">none</option>
              {CAPABILITIES.map((c) => (
                <option key={c.name} value={c.name}>
                  {c.title}
                </option>
              ))}
            </select>
          </label>
          <label>
            Your team
            <select value={team} onChange={(e) => setTeam(e.target.value)}>
              <option value="">my team (if I am in one)</option>
              {catalog.teams.map((t) => (
                <option key={t.name} value={t.name}>
                  {t.title}
                </option>
              ))}
            </select>
          </label>
        </div>
      </div>
      <div className="fb-form-row">
        <label className="fb-grow">
          Tags
          <input value={tags} onChange={(e) => setTags(e.target.value)} placeholder="gate, paging" />
          <span className="hint">Comma-separated; lower-case letters, digits, - _ .</span>
        </label>
        <label className="fb-grow">
          Board
          <input
            value={board}
            onChange={(e) => setBoard(e.target.value)}
            list="fb-boards"
            maxLength={63}
            placeholder="e.g. Release"
          />
          <datalist id="fb-boards">
            {(boards.data ?? []).map((b) => (
              <option key={b.board} value={b.board} />
            ))}
          </datalist>
        </label>
      </div>
      <p className="hint">
        Filed from <code>{page}</code>.
      </p>
      <ProblemBox error={file.error ?? catalog.error} />
      <div className="row">
        <button type="submit" className="primary" disabled={file.pending}>
          {file.pending ? 'Filing…' : 'File feedback'}
        </button>
      </div>
    </form>
  );
}

export function FeedbackButton() {
  const location = useLocation();
  const dialog = useRef<HTMLDialogElement>(null);
  const opener = useRef<HTMLElement | null>(null);
  const [open, setOpen] = useState(false);
  const [filed, setFiled] = useState<FeedbackItem | null>(null);
  // A fresh form each time it opens; the page is captured when it opens.
  const [page, setPage] = useState('/');
  const [formKey, setFormKey] = useState(0);
  const openLink = useRef<HTMLAnchorElement>(null);
  const navigating = useRef(false);

  const show = () => {
    opener.current = document.activeElement as HTMLElement | null;
    setPage(`${location.pathname}${location.search}`);
    setFiled(null);
    setFormKey((k) => k + 1);
    setOpen(true);
  };
  useEffect(() => {
    const el = dialog.current;
    if (!el) return;
    if (open && !el.open) el.showModal();
    if (!open && el.open) el.close();
  }, [open]);
  // Escape (the dialog's cancel) and close() both end here; focus returns to where it was.
  const onClose = () => {
    setOpen(false);
    // After following a link the new page's heading takes focus instead.
    if (!navigating.current) opener.current?.focus();
    navigating.current = false;
  };
  // Following the link to the new item closes the dialog.
  // biome-ignore lint/correctness/useExhaustiveDependencies: close on navigation only
  useEffect(() => {
    if (!dialog.current?.open) return;
    navigating.current = true;
    dialog.current.close();
  }, [location.pathname]);
  // The form is gone once filed: put focus on the link to the new item.
  useEffect(() => {
    if (filed) openLink.current?.focus();
  }, [filed]);

  return (
    <>
      <button type="button" className="fb-button" onClick={show} aria-haspopup="dialog">
        Feedback
      </button>
      <dialog ref={dialog} className="fb-dialog" aria-labelledby="fb-dialog-title" onClose={onClose}>
        <header className="card-head">
          <h2 id="fb-dialog-title">Tell the platform team</h2>
          <button type="button" className="ghost" onClick={() => dialog.current?.close()} aria-label="Close">
            ✕
          </button>
        </header>
        {open && !filed && <FeedbackForm key={formKey} page={page} onFiled={setFiled} />}
        {filed && (
          <div className="stack" role="status">
            <p>
              Thank you. Filed as{' '}
              <Link to={`/feedback/${seg(filed.id)}`} className="mono">
                {filed.id}
              </Link>{' '}
              “{filed.title}”{filed.team ? ` for team ${filed.team}` : ''}. Others can vote for it, and you
              will be e-mailed when it is done or declined.
            </p>
            <div className="row">
              <Link ref={openLink} to={`/feedback/${seg(filed.id)}`} className="button fb-linkbutton">
                Open {filed.id}
              </Link>
              <button
                type="button"
                onClick={() => {
                  setFiled(null);
                  setFormKey((k) => k + 1);
                }}
              >
                File another
              </button>
              <button type="button" className="ghost" onClick={() => dialog.current?.close()}>
                Close
              </button>
            </div>
          </div>
        )}
      </dialog>
    </>
  );
}
