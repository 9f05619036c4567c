// The claim packet from what is stored: the claim, its expenses with the documents matched to
// them, the open flags, and every original that is still kept, for services/reports/packet.ts to
// lay out.
import { claimFields, type ClaimDetail } from '../db/queries.ts';
import type { Flag } from '../pipeline/types.ts';
import { getClaimForActor } from './claims.ts';
import { today, type Actor, type ServiceDeps } from './context.ts';
import { missingDocumentOf, plainFlag } from './report.ts';
import { assembleClaimPacket, type ClaimPacket, type PacketInput } from './reports/packet.ts';

export function packetInputOf(claim: ClaimDetail, deps: Pick<ServiceDeps, 'storage' | 'clock' | 'config'>): PacketInput {
  const fileOf = new Map(claim.documents.map((d) => [d.id, d.fileName]));
  const matchOf = new Map(claim.matches.map((m) => [m.expenseId, m]));
  const open: Flag[] = claim.flags.filter((f) => f.status === 'open').map(plainFlag);
  return {
    claim: {
      ...claimFields(claim),
      deadline: claim.deadline,
      status: claim.status,
      completeness: claim.completeness,
      expenses: claim.expenses.map((e) => {
        const m = matchOf.get(e.expenseId);
        return { ...e, documentId: m?.documentId ?? null, file: m ? (fileOf.get(m.documentId) ?? null) : null, matchScore: m?.score ?? null, matchReasons: m?.reasons ?? [] };
      }),
      flags: open,
      documents: claim.documents.map(missingDocumentOf),
    },
    // A purged original is gone; the cover still lists what was read from it.
    evidence: claim.documents
      .filter((d) => d.purgedAt == null)
      .map((d) => ({ documentId: d.id, file: d.fileName, fileType: d.fileType, kind: d.kind, source: () => deps.storage.readBytes(d.storageKey).then((b) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength)) })),
    generatedAt: deps.clock.now(),
    asOf: today(deps.clock, deps.config.reportTimeZone),
  };
}

export async function claimPacketForActor(deps: Pick<ServiceDeps, 'db' | 'storage' | 'clock' | 'config'>, actor: Actor, claimId: string): Promise<ClaimPacket> {
  const claim = await getClaimForActor(deps, actor, claimId);
  return assembleClaimPacket(packetInputOf(claim, deps));
}
