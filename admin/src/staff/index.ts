import { lazy } from 'react';
import PeopleIcon from '@mui/icons-material/People';
import MailIcon from '@mui/icons-material/Mail';

/** The merchant's staff (list; an owner changes a role) and invitations (list, invite). */
export const staff = {
  list: lazy(() => import('./StaffList.tsx')),
  edit: lazy(() => import('./StaffEdit.tsx')),
  icon: PeopleIcon,
  recordRepresentation: 'email',
};

export const invitations = {
  list: lazy(() => import('./InvitationList.tsx')),
  create: lazy(() => import('./InvitationCreate.tsx')),
  icon: MailIcon,
  recordRepresentation: 'email',
};
