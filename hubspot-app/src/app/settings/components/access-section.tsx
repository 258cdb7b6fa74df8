// Who edits criteria and who resolves disputes in this portal, managed here by the editors themselves; those the service's environment names stay.
import { Alert, Button, Flex, Heading, Input, Select, Table, TableBody, TableCell, TableHead, TableHeader, TableRow, Text, Tile } from '@hubspot/ui-extensions';
import { useRef, useState } from 'react';
import { changeAccess } from '../api/client.ts';
import type { AccessChange } from '../api/client.ts';
import { newRequestId } from '../api/request-id.ts';
import type { Access, AccessMember } from '../api/schema.ts';

export interface AccessProps {
  readonly base: string;
  readonly access: Access;
  /** Only an editor changes the lists. */
  readonly canEdit: boolean;
  readonly onChanged: () => void;
}

const who = (m: AccessMember) => (m.userId !== null ? `User ${m.userId}` : (m.email ?? ''));

/** A typed value as a change: digits are a user id, anything else an email. */
export function changeOf(op: AccessChange['op'], list: AccessChange['list'], typed: string): AccessChange {
  const value = typed.trim();
  return /^[0-9]+$/.test(value) ? { op, list, userId: Number(value), email: null } : { op, list, userId: null, email: value };
}

export function AccessSection({ base, access, canEdit, onChanged }: AccessProps) {
  const [list, setList] = useState<AccessChange['list']>('editors');
  const [typed, setTyped] = useState('');
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // Kept across a failed send, so the same change sent again is answered once by the service.
  const pending = useRef<{ key: string; id: string } | null>(null);
  const send = (change: AccessChange) => {
    if (sending) return;
    const key = JSON.stringify(change);
    if (pending.current?.key !== key) pending.current = { key, id: newRequestId() };
    setSending(true);
    void changeAccess(base, pending.current.id, change).then((r) => {
      setSending(false);
      if (!r.ok) return setError(r.failure.message);
      pending.current = null;
      setTyped('');
      setError(null);
      onChanged();
    });
  };
  return (
    <Tile testId="access">
      <Flex direction="column" gap="sm">
        <Heading>Criteria editors and dispute resolvers</Heading>
        <Text variant="microcopy">
          Editors publish criteria versions and manage these lists; resolvers resolve disputes and pause criteria. Users named in the service's environment (CRITERIA_EDITORS, DISPUTE_RESOLVERS) stay.
        </Text>
        <Members title="Editors" list="editors" members={access.editors} canEdit={canEdit} onRemove={send} />
        <Members title="Resolvers" list="resolvers" members={access.resolvers} canEdit={canEdit} onRemove={send} />
        {error && (
          <Alert title="Not changed" variant="danger" testId="access-error">
            {error}
          </Alert>
        )}
        {canEdit ? (
          <Flex direction="row" gap="sm" align="end">
            <Select label="List" name="access-list" value={list} options={[{ label: 'Editors', value: 'editors' }, { label: 'Resolvers', value: 'resolvers' }]} onChange={(v) => setList(v === 'resolvers' ? 'resolvers' : 'editors')} testId="access-list" />
            <Input label="HubSpot user id (or a resolver's email)" name="access-user" value={typed} onChange={setTyped} testId="access-user" />
            <Button onClick={() => (typed.trim() === '' ? setError('Type a HubSpot user id, or an email for a resolver.') : send(changeOf('add', list, typed)))} disabled={sending} testId="access-add">
              Add
            </Button>
          </Flex>
        ) : (
          <Text variant="microcopy" testId="access-read-only">Only criteria editors change these lists.</Text>
        )}
      </Flex>
    </Tile>
  );
}

interface MembersProps {
  readonly title: string;
  readonly list: AccessChange['list'];
  readonly members: readonly AccessMember[];
  readonly canEdit: boolean;
  readonly onRemove: (change: AccessChange) => void;
}

function Members({ title, list, members, canEdit, onRemove }: MembersProps) {
  return (
    <Table bordered testId={`access-${list}`}>
      <TableHead>
        <TableRow>
          <TableHeader>{title}</TableHeader>
          <TableHeader>From</TableHeader>
          <TableHeader> </TableHeader>
        </TableRow>
      </TableHead>
      <TableBody>
        {members.map((m) => (
          <TableRow key={who(m)}>
            <TableCell>{who(m)}</TableCell>
            <TableCell>{m.fromEnvironment ? 'The environment' : 'Added here'}</TableCell>
            <TableCell>
              {canEdit && !m.fromEnvironment && (
                <Button variant="transparent" onClick={() => onRemove({ op: 'remove', list, userId: m.userId, email: m.email })} testId={`remove-${list}-${m.userId ?? m.email ?? ''}`}>
                  Remove
                </Button>
              )}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
