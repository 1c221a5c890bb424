import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Actor } from '../../../../db/src/actor.ts';
import {
  AcceptInvitationBody,
  LoginBody,
  LogoutBody,
  ProfileBody,
  RefreshBody,
  SessionBody,
  SignupBody,
} from '../../../../db/src/modules/auth/auth.schemas.ts';
import { signSession } from './session.ts';

const tags = ['auth'];

/** Staff sign-up, sign-in and sessions, under /api/auth. */
const authRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // Routes that take a password or a token are limited harder than the rest, against guessing.
  const rateLimit = { max: app.config.rateLimit.authMaxPerMinute, timeWindow: 60_000 };

  app.post(
    '/signup',
    { config: { rateLimit }, schema: { tags, summary: 'Create a merchant and its first owner, signed in', body: SignupBody, response: { 201: SessionBody } } },
    async (request, reply) => reply.status(201).send(await signSession(app, await app.services.auth.signup(request.body))),
  );

  app.post(
    '/login',
    { config: { rateLimit }, schema: { tags, summary: 'Sign in with email and password', body: LoginBody, response: { 200: SessionBody } } },
    async (request) => signSession(app, await app.services.auth.login(request.body)),
  );

  app.post(
    '/refresh',
    {
      config: { rateLimit },
      schema: { tags, summary: 'Exchange a refresh token for a new session (the token rotates)', body: RefreshBody, response: { 200: SessionBody } },
    },
    async (request) => signSession(app, await app.services.auth.refresh(request.body)),
  );

  app.post(
    '/logout',
    { config: { rateLimit }, schema: { tags, summary: 'End the session a refresh token belongs to', body: LogoutBody, response: { 204: Type.Null() } } },
    async (request, reply) => {
      await app.services.auth.logout(request.body);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/me',
    { config: { permission: 'authenticated' }, schema: { tags, summary: 'The signed-in staff member, merchant, role and memberships', response: { 200: ProfileBody } } },
    async (request) => app.services.auth.me(request.actor as Actor),
  );

  app.post(
    '/invitations/accept',
    {
      config: { rateLimit },
      schema: { tags, summary: 'Accept an invitation: join the merchant and sign in', body: AcceptInvitationBody, response: { 200: SessionBody } },
    },
    async (request) => signSession(app, await app.services.auth.acceptInvitation(request.body)),
  );
};

export default authRoutes;
