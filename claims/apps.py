from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "claims"
    verbose_name = "Claims"

    def ready(self):
        # The curators' accounts have no app of their own: the claims app, whose admin they
        # use, wires the notice of an account lock (config.lockout).
        from axes.signals import user_locked_out
        from simple_history.signals import post_create_historical_record

        from claims.takedowns import on_history_record
        from config.lockout import notify_account_locked

        user_locked_out.connect(notify_account_locked, dispatch_uid="account-locked-notice")
        # Replicas: readers wait for a takedown's replay (claims.takedowns).
        post_create_historical_record.connect(on_history_record, dispatch_uid="takedowns")
