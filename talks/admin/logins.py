"""Staff logins in the admin: Django's own pages, except that a login the history names is
never deleted. Each history row keeps who made it, and the history is never changed
(sources/history_chain.py; PostgreSQL refuses it): deleting the login would set those rows'
user to nothing. Such a login is deactivated instead (untick *Active*)."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from sources import history_chain

User = get_user_model()


def in_the_history(users):
    """The ids of those of ``users`` whom some history row names."""
    ids, named = [user.pk for user in users], set()
    for history in history_chain.history_models().values():
        rows = history._base_manager.filter(history_user_id__in=ids)
        named |= set(rows.values_list("history_user_id", flat=True).distinct())
    return named


admin.site.unregister(User)


@admin.register(User)
class LoginAdmin(UserAdmin):
    def get_deleted_objects(self, objs, request):
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        named = in_the_history(objs)
        protected = [
            *protected,
            *(
                f"{user}: in the history of the desk's records (deactivate this login instead: "
                "the history keeps who made each change)"
                for user in objs
                if user.pk in named
            ),
        ]
        return deleted, model_count, perms_needed, protected
