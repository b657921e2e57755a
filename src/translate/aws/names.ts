/** CLI spellings of model names: a port of botocore's `xform_name`, and did-you-mean suggestions. */
import { levenshtein } from '../../check/suggest.js';

// botocore/__init__.py: names its regexes get wrong, pre-seeded in its cache.
const SPECIAL: Record<string, string> = {
  CreateCachediSCSIVolume: 'create-cached-iscsi-volume',
  DescribeCachediSCSIVolumes: 'describe-cached-iscsi-volumes',
  DescribeStorediSCSIVolumes: 'describe-stored-iscsi-volumes',
  CreateStorediSCSIVolume: 'create-stored-iscsi-volume',
  ListHITsForQualificationType: 'list-hits-for-qualification-type',
  ExecutePartiQLStatement: 'execute-partiql-statement',
  ExecutePartiQLTransaction: 'execute-partiql-transaction',
  ExecutePartiQLBatch: 'execute-partiql-batch',
  AssociateWhatsAppBusinessAccount: 'associate-whatsapp-business-account',
  CreateWhatsAppMessageTemplate: 'create-whatsapp-message-template',
  CreateWhatsAppMessageTemplateFromLibrary: 'create-whatsapp-message-template-from-library',
  CreateWhatsAppMessageTemplateMedia: 'create-whatsapp-message-template-media',
  DeleteWhatsAppMessageMedia: 'delete-whatsapp-message-media',
  DeleteWhatsAppMessageTemplate: 'delete-whatsapp-message-template',
  DisassociateWhatsAppBusinessAccount: 'disassociate-whatsapp-business-account',
  GetLinkedWhatsAppBusinessAccount: 'get-linked-whatsapp-business-account',
  GetLinkedWhatsAppBusinessAccountPhoneNumber: 'get-linked-whatsapp-business-account-phone-number',
  GetOTelEnrichment: 'get-otel-enrichment',
  GetWhatsAppMessageMedia: 'get-whatsapp-message-media',
  GetWhatsAppMessageTemplate: 'get-whatsapp-message-template',
  ListLinkedWhatsAppBusinessAccounts: 'list-linked-whatsapp-business-accounts',
  ListWhatsAppMessageTemplates: 'list-whatsapp-message-templates',
  ListWhatsAppTemplateLibrary: 'list-whatsapp-template-library',
  PostWhatsAppMessageMedia: 'post-whatsapp-message-media',
  PutWhatsAppBusinessAccountEventDestinations: 'put-whatsapp-business-account-event-destinations',
  SendWhatsAppMessage: 'send-whatsapp-message',
  StartOTelEnrichment: 'start-otel-enrichment',
  StopOTelEnrichment: 'stop-otel-enrichment',
  UpdateWhatsAppMessageTemplate: 'update-whatsapp-message-template',
};

const FIRST_CAP = /(.)([A-Z][a-z]+)/g;
const END_CAP = /([a-z0-9])([A-Z])/g;
// Pluralised acronyms (GatewayARNs, ListWebACLs) keep their `s` with the acronym.
const PLURAL_ACRONYM = /[A-Z]{2,}s$/;

const cache = new Map<string, string>();

/** `ListOpenIDConnectProviders` → `list-open-id-connect-providers`, exactly as botocore spells it. */
export function xformName(name: string, sep = '-'): string {
  if (name.includes(sep)) return name;
  const key = `${sep}\u0000${name}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  let result: string;
  if (sep === '-' && SPECIAL[name]) {
    result = SPECIAL[name];
  } else if (sep === '_' && SPECIAL[name]) {
    result = SPECIAL[name].replaceAll('-', '_');
  } else {
    let work = name;
    const plural = PLURAL_ACRONYM.exec(work);
    if (plural) work = `${work.slice(0, -plural[0].length)}${sep}${plural[0].toLowerCase()}`;
    work = work.replace(FIRST_CAP, `$1${sep}$2`);
    result = work.replace(END_CAP, `$1${sep}$2`).toLowerCase();
  }
  cache.set(key, result);
  return result;
}

/** The closest candidate, if it is close enough to be a plausible typo (or contains the word). */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestScore = Infinity;
  for (const candidate of candidates) {
    const distance = levenshtein(word, candidate);
    if (distance < bestScore) {
      best = candidate;
      bestScore = distance;
    }
  }
  if (best === undefined) return undefined;
  const limit = Math.max(2, Math.floor(Math.max(word.length, best.length) / 3));
  if (bestScore <= limit) return best;
  // A missing or extra word (`--role` for `--role-name`) is a long edit but an obvious intent.
  const bare = word.replace(/^-+/, '');
  if (bare.length >= 3) {
    for (const candidate of candidates) {
      if (candidate.replace(/^-+/, '').startsWith(bare)) return candidate;
    }
  }
  return undefined;
}
