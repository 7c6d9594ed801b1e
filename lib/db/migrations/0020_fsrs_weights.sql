-- FSRS weights fitted to each learner's own reviews (issue 19), with how well the defaults and the fitted
-- weights predict those reviews. The scheduler takes the weights only where they predict better (in_use): a lower
-- log-loss, the loss the fit minimises (binned RMSE is shown too, but on a few thousand reviews it is noisy).
create table content.fsrs_weights (
  user_id text primary key default public.current_user_id() references public.users (id) on delete cascade,
  weights double precision[] not null check (cardinality(weights) = 21),
  reviews int not null check (reviews >= 0),
  log_loss_default double precision not null,
  rmse_default double precision not null,
  log_loss_fitted double precision not null,
  rmse_fitted double precision not null,
  in_use boolean generated always as (log_loss_fitted < log_loss_default) stored,
  fitted_at timestamptz not null default now()
);
alter table content.fsrs_weights enable row level security;
alter table content.fsrs_weights force row level security;
create policy fsrs_weights_owner on content.fsrs_weights to lingudesk_app
  using (user_id = public.current_user_id()) with check (user_id = public.current_user_id());
