from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "claims"
    verbose_name = "Claims"

    def ready(self):
        # The curators' accounts have no app of their own: the claims app, whose admin they
        # use, wires the notice of an account lock (config.lockout).
        from axes.signals import user_locked_out

        from config.lockout import notify_account_locked

        user_locked_out.connect(notify_account_locked, dispatch_uid="account-locked-notice")
