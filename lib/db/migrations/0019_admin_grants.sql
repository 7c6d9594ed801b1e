-- Admin rights apart from the plan: an admin grants and removes them in the console (audited), and `role`
-- keeps the plan Paddle or a comp gives, so an account that loses the rights is back on its own plan.
-- Accounts that were admins keep the rights; their plan starts as free (Paddle's next event sets it).
alter table public.users add column admin boolean not null default false;
update public.users set admin = true, role = 'user' where role = 'admin';
alter table public.users drop constraint users_role_check;
alter table public.users add constraint users_role_check check (role in ('user', 'plus', 'premium'));
create index users_admins on public.users (id) where admin;
