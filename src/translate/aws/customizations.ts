/**
 * The aws CLI's argument-table customizations for model-driven operations: arguments it adds (and
 * removes) and how they fill the request, as awscli/customizations/* write them, keyed by
 * `service.operation` (CLI names). Each is data for ./args.ts: `add` arguments come right after the
 * operation's members (their handlers are more specific than the generic ones, so botocore's emitter
 * runs them first), `check` is the `operation-args-parsed` handler, `fix` the `before-parameter-build`
 * one. An `apply` or `check` that returns a message is the ValueError the CLI prints (`\n<message>\n`,
 * exit 255).
 */
import { pyInt, type Action } from './argparse.js';

type Params = Record<string, unknown>;

export interface CustomArgument {
  /** `count` (the option is `--count`). */
  name: string;
  nargs?: Action['nargs'];
  /** `store_true` / `store_false`. */
  flag?: boolean;
  /** argparse `type=int`. */
  int?: boolean;
  /** A blob from `fileb://` (its bytes), else the word. */
  blob?: boolean;
  /** `add_to_params`: the value as argparse stored it (a word, words, a flag, an int, or bytes). */
  apply(params: Params, value: string | string[] | boolean | number | Uint8Array): string | undefined;
}

export interface ArgumentTableCustomization {
  add?: CustomArgument[];
  /** Arguments it deletes from the table (`--min-count`, `--max-count`). */
  remove?: string[];
  /** Members no longer required on the command line (still required by the model: validation says so). */
  optional?: string[];
  /** `operation-args-parsed`: the given arguments by dest. */
  check?(given: (dest: string) => unknown): string | undefined;
  /** `before-parameter-build`, before botocore's validation; `members` is what the operation's own arguments gave. */
  fix?(params: Params, members: Params): string | undefined;
}

const EC2_SECURITY_GROUP_RULES: ArgumentTableCustomization = {
  // awscli/customizations/ec2/secgroupsimplify.py
  add: [
    {
      name: 'protocol',
      apply(params, value) {
        let text = String(value);
        if (!text) return undefined;
        const n = pyInt(text);
        if (n !== undefined) {
          if ((n < 0 || n > 255) && n !== -1) return 'protocol parameter should be one of: tcp|udp|icmp|all or any valid protocol number.';
        } else {
          if (!['tcp', 'udp', 'icmp', 'all'].includes(text)) return 'protocol parameter should be one of: tcp|udp|icmp|all or any valid protocol number.';
          if (text === 'all') text = '-1';
        }
        permission(params).IpProtocol = text;
        return undefined;
      },
    },
    {
      name: 'port',
      apply(params, value) {
        const text = String(value);
        if (!text) return undefined;
        const [from, to] = text === '-1' || text === 'all' ? ['-1', '-1'] : text.includes('-') ? [text.slice(0, text.indexOf('-')), text.slice(text.indexOf('-') + 1)] : [text, text];
        const fromPort = pyInt(from!);
        const toPort = pyInt(to!);
        if (fromPort === undefined || toPort === undefined) return 'port parameter should be of the form <from[-to]> (e.g. 22 or 22-25)';
        Object.assign(permission(params), { FromPort: fromPort, ToPort: toPort });
        return undefined;
      },
    },
    {
      name: 'cidr',
      apply(params, value) {
        if (value) permission(params).IpRanges = [{ CidrIp: String(value) }];
        return undefined;
      },
    },
    {
      name: 'source-group',
      apply(params, value) {
        if (value) groupPair(params)[String(value).startsWith('sg-') ? 'GroupId' : 'GroupName'] = String(value);
        return undefined;
      },
    },
    {
      name: 'group-owner',
      apply(params, value) {
        if (value) groupPair(params).UserId = String(value);
        return undefined;
      },
    },
  ],
  check(given) {
    if (!given('ip_permissions')) return undefined;
    for (const key of ['protocol', 'port', 'cidr', 'source_group', 'group_owner']) {
      if (given(key)) return `The --${key} option is not compatible with the --ip-permissions option `;
    }
    return undefined;
  },
};

function permission(params: Params): Params {
  const list = (params.IpPermissions ??= [{}]) as Params[];
  return list[0]!;
}

function groupPair(params: Params): Params {
  const p = permission(params);
  const pairs = (p.UserIdGroupPairs ??= [{}]) as Params[];
  return pairs[0]!;
}

/** awscli/customizations/ec2/runinstances.py: the first network interface's simple options. */
function networkInterface(params: Params): Params {
  const list = (params.NetworkInterfaces ??= [{ DeviceIndex: 0 }]) as Params[];
  return list[0]!;
}

/** awscli/customizations/awslambda.py: `--zip-file` is `<into>.ZipFile`, which is then optional. */
function zipFileHoist(into: string): ArgumentTableCustomization {
  return {
    add: [
      {
        name: 'zip-file',
        blob: true,
        apply(params, value) {
          const bytes = value instanceof Uint8Array ? value : new TextEncoder().encode(String(value));
          if (!isZip(bytes)) return '--zip-file must be a zip file with the fileb:// prefix.\nExample usage:  --zip-file fileb://path/to/file.zip';
          params[into] = { ...((params[into] as Params | undefined) ?? {}), ZipFile: bytes };
          return undefined;
        },
      },
    ],
    optional: [into],
    fix(_params, members) {
      // ReplacedZipFileArgument: the member's own ZipFile is refused.
      const member = members[into] as Params | undefined;
      if (member && typeof member === 'object' && 'ZipFile' in member) {
        return `ZipFile cannot be provided as part of the --${into.toLowerCase()} argument.  Please use the '--zip-file' option instead to specify a zip file.`;
      }
      return undefined;
    },
  };
}

/** Whether Python's zipfile opens it: an end-of-central-directory record in its last 64 KiB. */
export function isZip(bytes: Uint8Array): boolean {
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 65535); i--) {
    if (bytes[i] === 0x50 && bytes[i + 1] === 0x4b && bytes[i + 2] === 0x05 && bytes[i + 3] === 0x06) return true;
  }
  return false;
}

/** awscli/customizations/ec2/protocolarg.py: `--protocol tcp` for network ACL entries. */
const NETWORK_ACL_PROTOCOL: ArgumentTableCustomization = {
  fix(params) {
    const names: Record<string, string> = { tcp: '6', udp: '17', icmp: '1', all: '-1' };
    if (typeof params.Protocol === 'string' && names[params.Protocol]) params.Protocol = names[params.Protocol];
    return undefined;
  },
};

export const ARGUMENT_TABLE_CUSTOMIZATIONS: Readonly<Record<string, ArgumentTableCustomization>> = {
  'lambda.create-function': zipFileHoist('Code'),
  'lambda.publish-layer-version': zipFileHoist('Content'),
  'ec2.authorize-security-group-ingress': EC2_SECURITY_GROUP_RULES,
  'ec2.authorize-security-group-egress': EC2_SECURITY_GROUP_RULES,
  'ec2.revoke-security-group-ingress': EC2_SECURITY_GROUP_RULES,
  'ec2.revoke-security-group-egress': EC2_SECURITY_GROUP_RULES,
  'ec2.create-network-acl-entry': NETWORK_ACL_PROTOCOL,
  'ec2.replace-network-acl-entry': NETWORK_ACL_PROTOCOL,
  'ec2.run-instances': {
    // awscli/customizations/ec2/addcount.py, then runinstances.py (its handlers registered later).
    remove: ['min-count', 'max-count'],
    add: [
      {
        name: 'count',
        apply(params, value) {
          const text = String(value);
          const parts = text.includes(':') ? text.split(':') : [text, text];
          const min = parts.length === 2 ? pyInt(parts[0]!) : undefined;
          const max = parts.length === 2 ? pyInt(parts[1]!) : undefined;
          if (min === undefined || max === undefined) return 'count parameter should be of form min[:max] (e.g. 1 or 1:10)';
          Object.assign(params, { MinCount: min, MaxCount: max });
          return undefined;
        },
      },
      {
        name: 'secondary-private-ip-addresses',
        nargs: '*',
        apply(params, value) {
          const list = value as string[];
          if (!list.length) return undefined;
          const ni = networkInterface(params);
          ni.PrivateIpAddresses ??= list.map((v) => ({ PrivateIpAddress: v, Primary: false }));
          return undefined;
        },
      },
      {
        name: 'secondary-private-ip-address-count',
        int: true,
        apply(params, value) {
          if (value) networkInterface(params).SecondaryPrivateIpAddressCount = value;
          return undefined;
        },
      },
      {
        name: 'associate-public-ip-address',
        flag: true,
        apply(params, value) {
          if (value === true) networkInterface(params).AssociatePublicIpAddress = true;
          return undefined;
        },
      },
      {
        name: 'no-associate-public-ip-address',
        flag: false,
        apply(params, value) {
          if (value === false) networkInterface(params).AssociatePublicIpAddress = false;
          return undefined;
        },
      },
    ],
    check(given) {
      if (!given('network_interfaces')) return undefined;
      for (const key of ['secondary_private_ip_addresses', 'secondary_private_ip_address_count', 'associate_public_ip_address']) {
        const v = given(key);
        if (v !== undefined && v !== false && !(Array.isArray(v) && !v.length)) return 'Mixing the --network-interfaces option with the simple, scalar options is not supported.';
      }
      return undefined;
    },
    fix(params) {
      params.MaxCount ??= 1;
      params.MinCount ??= 1;
      const interfaces = params.NetworkInterfaces as Params[] | undefined;
      const ni = interfaces?.[0];
      if (ni && ['PrivateIpAddresses', 'SecondaryPrivateIpAddressCount', 'AssociatePublicIpAddress'].some((k) => k in ni)) {
        const move = (from: string, to: string, wrap?: (v: unknown) => unknown) => {
          if (!(from in params)) return;
          ni[to] = wrap ? wrap(params[from]) : params[from];
          delete params[from];
        };
        move('SubnetId', 'SubnetId');
        move('SecurityGroupIds', 'Groups');
        move('PrivateIpAddress', 'PrivateIpAddresses', (v) => [{ PrivateIpAddress: v, Primary: true }]);
        move('Ipv6AddressCount', 'Ipv6AddressCount');
        move('Ipv6Addresses', 'Ipv6Addresses');
        move('EnablePrimaryIpv6', 'PrimaryIpv6');
      }
      return undefined;
    },
  },
};
