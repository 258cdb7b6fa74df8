// The editor for the next version, prefilled from the latest: the common fields as a form, the rest as YAML, every problem at its field, a try on past data, and publish.
import { Alert, Button, Flex, Heading, Input, MultiSelect, Text, TextArea } from '@hubspot/ui-extensions';
import { useRef, useState } from 'react';
import { publishDraft } from '../api/client.ts';
import type { Draft, Failure } from '../api/client.ts';
import { newRequestId } from '../api/request-id.ts';
import type { CriteriaEntry, DraftCheck, Published } from '../api/schema.ts';
import { useDraftCheck } from '../hooks/use-draft-check.ts';
import { BacktestSection } from './backtest-section.tsx';
import { answerOptions } from './disputes-section.tsx';
import { FORM_FIELDS, fieldKey, formUsable, readField, writeField } from '../words/draft-fields.ts';
import { NOT_AN_EDITOR, publishFailure } from '../words/messages.ts';

export interface EditorProps {
  readonly base: string;
  /** The portal's time zone, for the backtest's times. */
  readonly zone: string;
  readonly entry: CriteriaEntry;
  readonly canPublish: boolean;
  readonly onClose: () => void;
  readonly onPublished: () => void;
}

/** A problem placed at a field of the page, worded as `validate` prints it. */
interface Shown {
  readonly field: string;
  readonly line: string;
}

const OWN_FIELDS = new Set([...FORM_FIELDS.map((f) => fieldKey(f.path)), 'change_notes', 'effective_from', 'answers']);

function shownOf(check: DraftCheck | null, failure: Failure | null): Shown[] {
  if (failure?.kind === 'invalid') return failure.problems.map((p) => ({ field: fieldOf(p.path), line: p.path.length > 0 ? `${fieldKey(p.path)}: ${p.message}` : p.message }));
  return check?.problems.map((p) => ({ field: fieldOf(p.path), line: p.line })) ?? [];
}

/** The form field a problem belongs to: the field at its path or above it (`price.tiers.0` is no field: the text). */
function fieldOf(path: readonly (string | number)[]): string {
  for (let n = path.length; n > 0; n--) {
    const key = fieldKey(path.slice(0, n));
    if (OWN_FIELDS.has(key)) return key;
  }
  return fieldKey(path);
}

const at = (shown: readonly Shown[], field: string) => shown.filter((p) => p.field === field).map((p) => p.line);
const message = (lines: readonly string[]) => (lines.length > 0 ? { error: true, validationMessage: lines.join(' ') } : {});

export function DraftEditor({ base, zone, entry, canPublish, onClose, onPublished }: EditorProps) {
  const [draft, setDraft] = useState<Draft>({ text: entry.draft, changeNotes: '', effectiveFrom: null });
  const [publishing, setPublishing] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [published, setPublished] = useState<Published | null>(null);
  const requestId = useRef<string | null>(null);
  const checkState = useDraftCheck(base, draft);
  const check = checkState.status === 'checked' ? checkState.check : null;
  const shown = shownOf(check, failure);
  const change = (next: Draft) => {
    setDraft(next);
    setFailure(null);
    // Changed content is a new request: the old id's answer is for the old draft.
    requestId.current = null;
  };
  const publish = () => {
    if (publishing) return;
    requestId.current ??= newRequestId();
    setPublishing(true);
    void publishDraft(base, requestId.current, draft).then((r) => {
      setPublishing(false);
      if (!r.ok) return setFailure(r.failure);
      setPublished(r.value);
      onPublished();
    });
  };
  if (published) return <PublishedNote published={published} onClose={onClose} />;
  return (
    <Flex direction="column" gap="sm" testId={`editor-${entry.id}`}>
      <Heading>Version {entry.nextVersion} of {entry.id}</Heading>
      <DraftFields draft={draft} shown={shown} change={change} />
      <Answers entry={entry} draft={draft} shown={shown} change={change} />
      <CheckNotes state={checkState} />
      <BacktestSection base={base} text={draft.text} zone={zone} />
      {failure && failure.kind !== 'invalid' && (
        <Alert title="Not published" variant="danger" testId="publish-failed">
          {publishFailure(failure)}
        </Alert>
      )}
      {!canPublish && (
        <Alert title="Only criteria editors can publish" variant="info" testId="not-editor">
          {NOT_AN_EDITOR}
        </Alert>
      )}
      <Flex direction="row" gap="sm">
        <Button variant="primary" onClick={publish} disabled={!canPublish || publishing} testId="publish">
          {publishing ? 'Publishing…' : `Publish version ${entry.nextVersion}`}
        </Button>
        <Button onClick={onClose} testId="close-editor">
          Close
        </Button>
      </Flex>
    </Flex>
  );
}

interface FieldsProps {
  readonly draft: Draft;
  readonly shown: readonly Shown[];
  readonly change: (next: Draft) => void;
}

/** The form's fields and the YAML text: a problem of a form field at that field, any other under the text. */
function DraftFields({ draft, shown, change }: FieldsProps) {
  const rest = shown.filter((p) => !OWN_FIELDS.has(p.field)).map((p) => p.line);
  const usable = formUsable(draft.text);
  return (
    <>
      {FORM_FIELDS.map((f) => {
        const key = fieldKey(f.path);
        return (
          <Input
            key={key}
            label={f.label}
            name={key}
            description={usable ? f.description : 'Fix the YAML text below first: the form reads its fields from it.'}
            readOnly={!usable}
            value={readField(draft.text, f.path)}
            onChange={(v) => change({ ...draft, text: writeField(draft.text, f.path, v) ?? draft.text })}
            testId={`field-${key}`}
            {...message(at(shown, key))}
          />
        );
      })}
      <TextArea label="The rest of the version (YAML)" name="text" rows={16} value={draft.text} onChange={(v) => change({ ...draft, text: v })} testId="field-text" {...message(rest)} />
      <TextArea label="Change notes" name="change_notes" required value={draft.changeNotes} onChange={(v) => change({ ...draft, changeNotes: v })} testId="field-change_notes" {...message(at(shown, 'change_notes'))} />
      <Input
        label="Takes effect"
        name="effective_from"
        description="An ISO time such as 2026-12-24T00:00:00Z; leave it empty for now. Never in the past."
        value={draft.effectiveFrom ?? ''}
        onChange={(v) => change({ ...draft, effectiveFrom: v.trim() === '' ? null : v.trim() })}
        testId="field-effective_from"
        {...message(at(shown, 'effective_from'))}
      />
    </>
  );
}

/** The disputes this version answers: each then links to it on the card. */
function Answers({ entry, draft, shown, change }: FieldsProps & { readonly entry: CriteriaEntry }) {
  const options = answerOptions(entry.disputes);
  if (options.length === 0) return null;
  return (
    <MultiSelect
      label="Disputes this version answers"
      name="answers"
      description="Say in the change notes how; each dispute chosen then shows this version on the card."
      options={options}
      value={[...(draft.answers ?? [])]}
      onChange={(v) => change({ ...draft, answers: v.map(String) })}
      testId="field-answers"
      {...message(at(shown, 'answers'))}
    />
  );
}

function CheckNotes({ state }: { readonly state: ReturnType<typeof useDraftCheck> }) {
  if (state.status === 'checking') return <Text variant="microcopy" testId="checking">Checking the draft…</Text>;
  if (state.status === 'failed') return <Alert title="The draft could not be checked" variant="warning" testId="check-failed">{state.failure.message}</Alert>;
  const { check } = state;
  return (
    <Flex direction="column" gap="xs">
      {check.valid && <Text testId="draft-valid">The draft is valid: it would be published as version {check.nextVersion}.</Text>}
      {check.conflict && (
        <Alert title="This version exists already" variant="danger" testId="draft-conflict">
          {check.conflict.message}
        </Alert>
      )}
      {check.uncovered.length > 0 && (
        <Alert title="HubSpot does not send some properties this draft reads" variant="warning" testId="subscription-warning">
          The app's webhook subscriptions do not cover {check.uncovered.map((u) => `${u.object}.${u.property}`).join(', ')}: {check.advice}
        </Alert>
      )}
    </Flex>
  );
}

function PublishedNote({ published, onClose }: { readonly published: Published; readonly onClose: () => void }) {
  const v = published.version;
  return (
    <Alert title={`Published version ${v.version} of ${v.id}`} variant="success" testId="published">
      It takes effect {v.effectiveFrom}; every worker uses it from then on, with no restart.
      {published.uncovered.length > 0 ? ` ${published.advice ?? ''}` : ''}
      <Button onClick={onClose} testId="published-close">
        Done
      </Button>
    </Alert>
  );
}
