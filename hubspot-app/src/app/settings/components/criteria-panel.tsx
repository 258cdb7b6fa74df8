// One criteria id: its versions (in force, scheduled, past) with who published each and why, a version's full text one click away, the next version's editor, pause and resume.
import { Button, Flex, Heading, Table, TableBody, TableCell, TableHead, TableHeader, TableRow, Tag, Text, Tile } from '@hubspot/ui-extensions';
import { useState } from 'react';
import type { CriteriaEntry, VersionEntry } from '../api/schema.ts';
import { STATE_WORDS, when } from '../words/messages.ts';
import { DisputesSection } from './disputes-section.tsx';
import { DraftEditor } from './draft-editor.tsx';
import { PauseControl } from './pause-control.tsx';

export interface PanelProps {
  readonly base: string;
  readonly zone: string;
  readonly entry: CriteriaEntry;
  readonly canPublish: boolean;
  readonly canPause: boolean;
  readonly onChanged: () => void;
}

export function CriteriaPanel({ base, zone, entry, canPublish, canPause, onChanged }: PanelProps) {
  const [shown, setShown] = useState<number | null>(null);
  const [editing, setEditing] = useState(false);
  const text = entry.versions.find((v) => v.version === shown)?.text ?? null;
  return (
    <Tile testId={`criteria-${entry.id}`}>
      <Flex direction="column" gap="sm">
        <Heading>
          {entry.name} ({entry.id}, {entry.object})
        </Heading>
        {entry.paused && (
          <Text testId={`paused-${entry.id}`}>
            <Tag variant="warning">Paused</Tag> since {when(entry.paused.since, zone)} by {entry.paused.by.email}: {entry.paused.note}
          </Text>
        )}
        <Versions entry={entry} zone={zone} shown={shown} onShow={(v) => setShown(shown === v ? null : v)} />
        {text !== null && (
          <Tile testId={`text-${entry.id}-v${shown}`}>
            <Text format={{ fontWeight: 'demibold' }}>Version {shown}, as written</Text>
            <Text>{text}</Text>
          </Tile>
        )}
        <DisputesSection entry={entry} />
        <PauseControl base={base} criteriaId={entry.id} paused={entry.paused !== null} canPause={canPause} onChanged={onChanged} />
        {editing ? (
          <DraftEditor base={base} zone={zone} entry={entry} canPublish={canPublish} onClose={() => setEditing(false)} onPublished={onChanged} />
        ) : (
          <Button onClick={() => setEditing(true)} testId={`draft-${entry.id}`}>
            Draft version {entry.nextVersion}
          </Button>
        )}
      </Flex>
    </Tile>
  );
}

function origin(v: VersionEntry, zone: string): string {
  if (v.publishedBy && v.publishedAt) return `Published by ${v.publishedBy.email ?? `user ${v.publishedBy.userId}`} on ${when(v.publishedAt, zone)}`;
  return `From the file ${v.file ?? ''}`;
}

function Versions({ entry, zone, shown, onShow }: { readonly entry: CriteriaEntry; readonly zone: string; readonly shown: number | null; readonly onShow: (v: number) => void }) {
  return (
    <Table bordered testId={`versions-${entry.id}`}>
      <TableHead>
        <TableRow>
          <TableHeader>Version</TableHeader>
          <TableHeader>State</TableHeader>
          <TableHeader>Takes effect</TableHeader>
          <TableHeader>Owner</TableHeader>
          <TableHeader>Published</TableHeader>
          <TableHeader>Change notes</TableHeader>
          <TableHeader>Text</TableHeader>
        </TableRow>
      </TableHead>
      <TableBody>
        {entry.versions.map((v) => (
          <TableRow key={v.version}>
            <TableCell>v{v.version}</TableCell>
            <TableCell>
              <Tag variant={v.state === 'in_force' ? 'success' : v.state === 'scheduled' ? 'info' : 'default'}>{STATE_WORDS[v.state] ?? v.state}</Tag>
            </TableCell>
            <TableCell>{when(v.effectiveFrom, zone)}</TableCell>
            <TableCell>{v.owner}</TableCell>
            <TableCell>{origin(v, zone)}</TableCell>
            <TableCell>{v.changeNotes ?? '—'}</TableCell>
            <TableCell>
              <Button variant="transparent" onClick={() => onShow(v.version)} testId={`show-${entry.id}-v${v.version}`}>
                {shown === v.version ? 'Hide text' : 'Show text'}
              </Button>
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
