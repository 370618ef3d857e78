"""A user's named collections of papers; public ones show on their profile to everyone."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse

from dailypapers.papers.models import Paper


class Collection(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="paper_collections"
    )
    name = models.CharField(max_length=100)
    public = models.BooleanField(default=False)
    papers = models.ManyToManyField(Paper, through="CollectionItem", related_name="collections")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="one_collection_per_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("collections:detail", args=[self.owner.get_username(), self.pk])

    def can_see(self, user) -> bool:
        return self.public or self.owner_id == user.pk


class CollectionItem(models.Model):
    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="items")
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE)
    added = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-added"]
        constraints = [
            models.UniqueConstraint(fields=["collection", "paper"], name="paper_once_a_collection"),
        ]

    def __str__(self) -> str:
        return f"{self.paper_id} in {self.collection_id}"
