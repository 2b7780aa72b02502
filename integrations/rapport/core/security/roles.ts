/**
 * Who may do what. An account's role is one of these; staff roles open `/admin/` areas, each page
 * and action of the console names the permission it needs, and the server checks it every time.
 */
export const ROLES = ['customer', 'service', 'editor', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export const STAFF_ROLES = ['service', 'editor', 'admin'] as const satisfies readonly Role[];
export type StaffRole = (typeof STAFF_ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  customer: 'Customer',
  service: 'Customer service',
  editor: 'Editor',
  admin: 'Admin',
};

/** What a role is for, in the words the staff page shows. */
export const ROLE_DESCRIPTIONS: Record<StaffRole, string> = {
  service: 'Contacts, messages, orders, questions, mail, segments and newsletter campaigns; not the content manager.',
  editor: 'The content manager and visitors’ questions.',
  admin: 'Everything, including staff and the audit log.',
};

export const PERMISSIONS = [
  'console',
  'cms',
  'contacts',
  'import',
  'messages',
  'orders',
  'questions',
  'mail',
  'segments',
  'campaigns',
  'staff',
  'audit',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const GRANTS: Record<Role, readonly Permission[]> = {
  customer: [],
  service: ['console', 'contacts', 'messages', 'orders', 'questions', 'mail', 'segments', 'campaigns'],
  editor: ['console', 'cms', 'questions'],
  admin: PERMISSIONS,
};

/** Whether an account with this role may do this; unknown roles may do nothing. */
export const can = (role: string, permission: Permission): boolean => (GRANTS[role as Role] ?? []).includes(permission);

/** Any staff role: the console, the publishing status, staff pages on orders. */
export const isStaffRole = (role: string): role is StaffRole => (STAFF_ROLES as readonly string[]).includes(role);
