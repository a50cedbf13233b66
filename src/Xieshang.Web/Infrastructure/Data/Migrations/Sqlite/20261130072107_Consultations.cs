using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Xieshang.Web.Infrastructure.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Consultations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ConsultationPlans",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    CommitteeId = table.Column<int>(type: "INTEGER", nullable: false),
                    CommitteePath = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Year = table.Column<int>(type: "INTEGER", nullable: false),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    PublishedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    PublishedBy = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ConsultationPlans", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ConsultationPlans_Committees_CommitteeId",
                        column: x => x.CommitteeId,
                        principalTable: "Committees",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "ConsultationPlanTopics",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    PlanId = table.Column<int>(type: "INTEGER", nullable: false),
                    Title = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    SuggesterKind = table.Column<int>(type: "INTEGER", nullable: false),
                    SuggesterId = table.Column<int>(type: "INTEGER", nullable: false),
                    SuggesterName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    RejectReason = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    PlannedMonth = table.Column<int>(type: "INTEGER", nullable: true),
                    PlannedOn = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    Type = table.Column<int>(type: "INTEGER", nullable: true),
                    LeadSpecialCommitteeId = table.Column<int>(type: "INTEGER", nullable: true),
                    ReviewedBy = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ReviewedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ConsultationPlanTopics", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ConsultationPlanTopics_ConsultationPlans_PlanId",
                        column: x => x.PlanId,
                        principalTable: "ConsultationPlans",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_ConsultationPlanTopics_SpecialCommittees_LeadSpecialCommitteeId",
                        column: x => x.LeadSpecialCommitteeId,
                        principalTable: "SpecialCommittees",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "Consultations",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    CommitteeId = table.Column<int>(type: "INTEGER", nullable: false),
                    CommitteePath = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Title = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Type = table.Column<int>(type: "INTEGER", nullable: false),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    Summary = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    PlanTopicId = table.Column<int>(type: "INTEGER", nullable: true),
                    HandlingUnitId = table.Column<int>(type: "INTEGER", nullable: true),
                    MeetingAt = table.Column<long>(type: "INTEGER", nullable: true),
                    MeetingEndsAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Place = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    NoticeDays = table.Column<int>(type: "INTEGER", nullable: false),
                    MaterialsDays = table.Column<int>(type: "INTEGER", nullable: false),
                    MinutesDays = table.Column<int>(type: "INTEGER", nullable: false),
                    NoticeSentAt = table.Column<long>(type: "INTEGER", nullable: true),
                    MaterialsSentAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Minutes = table.Column<string>(type: "TEXT", maxLength: 40000, nullable: false),
                    MinutesAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Consensus = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    Divergences = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    Feedback = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    ActivityId = table.Column<int>(type: "INTEGER", nullable: true),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Consultations", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Consultations_Activities_ActivityId",
                        column: x => x.ActivityId,
                        principalTable: "Activities",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Consultations_Committees_CommitteeId",
                        column: x => x.CommitteeId,
                        principalTable: "Committees",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Consultations_ConsultationPlanTopics_PlanTopicId",
                        column: x => x.PlanTopicId,
                        principalTable: "ConsultationPlanTopics",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_Consultations_HandlingUnits_HandlingUnitId",
                        column: x => x.HandlingUnitId,
                        principalTable: "HandlingUnits",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "ConsultationEvents",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ConsultationId = table.Column<int>(type: "INTEGER", nullable: false),
                    Action = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    From = table.Column<int>(type: "INTEGER", nullable: false),
                    To = table.Column<int>(type: "INTEGER", nullable: false),
                    Note = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    By = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ConsultationEvents", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ConsultationEvents_Consultations_ConsultationId",
                        column: x => x.ConsultationId,
                        principalTable: "Consultations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ConsultationInviteLinks",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ConsultationId = table.Column<int>(type: "INTEGER", nullable: false),
                    Token = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Label = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    MaxRegistrations = table.Column<int>(type: "INTEGER", nullable: false),
                    RevokedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ConsultationInviteLinks", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ConsultationInviteLinks_Consultations_ConsultationId",
                        column: x => x.ConsultationId,
                        principalTable: "Consultations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ConsultationRecommendations",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ConsultationId = table.Column<int>(type: "INTEGER", nullable: false),
                    SortOrder = table.Column<int>(type: "INTEGER", nullable: false),
                    Title = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Text = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    Adoption = table.Column<int>(type: "INTEGER", nullable: false),
                    AdoptingBody = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    AdoptedOn = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    AdoptionNote = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    Percent = table.Column<int>(type: "INTEGER", nullable: false),
                    Evidence = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    ImplementedOn = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    Feedback = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    FeedbackOn = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    MemberIds = table.Column<string>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ConsultationRecommendations", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ConsultationRecommendations_Consultations_ConsultationId",
                        column: x => x.ConsultationId,
                        principalTable: "Consultations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "Deliberations",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ConsultationId = table.Column<int>(type: "INTEGER", nullable: false),
                    CommitteeId = table.Column<int>(type: "INTEGER", nullable: false),
                    CommitteePath = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Question = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    Visibility = table.Column<int>(type: "INTEGER", nullable: false),
                    AllowAnonymous = table.Column<bool>(type: "INTEGER", nullable: false),
                    InviteToken = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    OpenedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    ClosedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Deliberations", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Deliberations_Consultations_ConsultationId",
                        column: x => x.ConsultationId,
                        principalTable: "Consultations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "ConsultationParticipants",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ConsultationId = table.Column<int>(type: "INTEGER", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    Organization = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Role = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    Category = table.Column<int>(type: "INTEGER", nullable: false),
                    Phone = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    InviteLinkId = table.Column<int>(type: "INTEGER", nullable: true),
                    Attended = table.Column<bool>(type: "INTEGER", nullable: true),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ConsultationParticipants", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ConsultationParticipants_ConsultationInviteLinks_InviteLinkId",
                        column: x => x.InviteLinkId,
                        principalTable: "ConsultationInviteLinks",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_ConsultationParticipants_Consultations_ConsultationId",
                        column: x => x.ConsultationId,
                        principalTable: "Consultations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ConsultationFiles",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ConsultationId = table.Column<int>(type: "INTEGER", nullable: false),
                    RecommendationId = table.Column<int>(type: "INTEGER", nullable: true),
                    FileName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ContentType = table.Column<string>(type: "TEXT", maxLength: 120, nullable: false),
                    Size = table.Column<long>(type: "INTEGER", nullable: false),
                    Content = table.Column<byte[]>(type: "BLOB", nullable: false),
                    UploadedBy = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    UploadedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ConsultationFiles", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ConsultationFiles_ConsultationRecommendations_RecommendationId",
                        column: x => x.RecommendationId,
                        principalTable: "ConsultationRecommendations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_ConsultationFiles_Consultations_ConsultationId",
                        column: x => x.ConsultationId,
                        principalTable: "Consultations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "RecommendationInstructions",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    RecommendationId = table.Column<int>(type: "INTEGER", nullable: false),
                    LeaderName = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Level = table.Column<int>(type: "INTEGER", nullable: false),
                    Text = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    On = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    RecordedBy = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RecommendationInstructions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_RecommendationInstructions_ConsultationRecommendations_RecommendationId",
                        column: x => x.RecommendationId,
                        principalTable: "ConsultationRecommendations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "RecommendationMilestones",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    RecommendationId = table.Column<int>(type: "INTEGER", nullable: false),
                    Title = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    DueOn = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    DoneOn = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    Note = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RecommendationMilestones", x => x.Id);
                    table.ForeignKey(
                        name: "FK_RecommendationMilestones_ConsultationRecommendations_RecommendationId",
                        column: x => x.RecommendationId,
                        principalTable: "ConsultationRecommendations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "DeliberationInvitees",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    DeliberationId = table.Column<int>(type: "INTEGER", nullable: false),
                    UserId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DeliberationInvitees", x => x.Id);
                    table.ForeignKey(
                        name: "FK_DeliberationInvitees_Deliberations_DeliberationId",
                        column: x => x.DeliberationId,
                        principalTable: "Deliberations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "DeliberationMaps",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    DeliberationId = table.Column<int>(type: "INTEGER", nullable: false),
                    ComputedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ThroughAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Participants = table.Column<int>(type: "INTEGER", nullable: false),
                    Votes = table.Column<int>(type: "INTEGER", nullable: false),
                    Seconds = table.Column<double>(type: "REAL", nullable: false),
                    Data = table.Column<string>(type: "TEXT", nullable: false),
                    Points = table.Column<string>(type: "TEXT", nullable: false),
                    Priorities = table.Column<string>(type: "TEXT", nullable: false),
                    State = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DeliberationMaps", x => x.Id);
                    table.ForeignKey(
                        name: "FK_DeliberationMaps_Deliberations_DeliberationId",
                        column: x => x.DeliberationId,
                        principalTable: "Deliberations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "DeliberationParticipants",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    DeliberationId = table.Column<int>(type: "INTEGER", nullable: false),
                    UserId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: true),
                    AnonymousKey = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    MemberId = table.Column<int>(type: "INTEGER", nullable: true),
                    DisplayName = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    AddressHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DeliberationParticipants", x => x.Id);
                    table.ForeignKey(
                        name: "FK_DeliberationParticipants_Deliberations_DeliberationId",
                        column: x => x.DeliberationId,
                        principalTable: "Deliberations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "DeliberationStatements",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    DeliberationId = table.Column<int>(type: "INTEGER", nullable: false),
                    Text = table.Column<string>(type: "TEXT", maxLength: 600, nullable: false),
                    AuthorParticipantId = table.Column<int>(type: "INTEGER", nullable: true),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    IsSeed = table.Column<bool>(type: "INTEGER", nullable: false),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    RejectReason = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ModeratedBy = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ModeratedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DeliberationStatements", x => x.Id);
                    table.ForeignKey(
                        name: "FK_DeliberationStatements_DeliberationParticipants_AuthorParticipantId",
                        column: x => x.AuthorParticipantId,
                        principalTable: "DeliberationParticipants",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_DeliberationStatements_Deliberations_DeliberationId",
                        column: x => x.DeliberationId,
                        principalTable: "Deliberations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "DeliberationVotes",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    DeliberationId = table.Column<int>(type: "INTEGER", nullable: false),
                    ParticipantId = table.Column<int>(type: "INTEGER", nullable: false),
                    StatementId = table.Column<int>(type: "INTEGER", nullable: false),
                    Value = table.Column<short>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DeliberationVotes", x => x.Id);
                    table.ForeignKey(
                        name: "FK_DeliberationVotes_DeliberationParticipants_ParticipantId",
                        column: x => x.ParticipantId,
                        principalTable: "DeliberationParticipants",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_DeliberationVotes_DeliberationStatements_StatementId",
                        column: x => x.StatementId,
                        principalTable: "DeliberationStatements",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_DeliberationVotes_Deliberations_DeliberationId",
                        column: x => x.DeliberationId,
                        principalTable: "Deliberations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ConsultationEvents_ConsultationId",
                table: "ConsultationEvents",
                column: "ConsultationId");

            migrationBuilder.CreateIndex(
                name: "IX_ConsultationFiles_ConsultationId",
                table: "ConsultationFiles",
                column: "ConsultationId");

            migrationBuilder.CreateIndex(
                name: "IX_ConsultationFiles_RecommendationId",
                table: "ConsultationFiles",
                column: "RecommendationId");

            migrationBuilder.CreateIndex(
                name: "IX_ConsultationInviteLinks_ConsultationId",
                table: "ConsultationInviteLinks",
                column: "ConsultationId");

            migrationBuilder.CreateIndex(
                name: "IX_ConsultationInviteLinks_Token",
                table: "ConsultationInviteLinks",
                column: "Token",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ConsultationParticipants_ConsultationId",
                table: "ConsultationParticipants",
                column: "ConsultationId");

            migrationBuilder.CreateIndex(
                name: "IX_ConsultationParticipants_InviteLinkId",
                table: "ConsultationParticipants",
                column: "InviteLinkId");

            migrationBuilder.CreateIndex(
                name: "IX_ConsultationPlans_CommitteeId_Year",
                table: "ConsultationPlans",
                columns: new[] { "CommitteeId", "Year" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ConsultationPlans_CommitteePath_Year",
                table: "ConsultationPlans",
                columns: new[] { "CommitteePath", "Year" });

            migrationBuilder.CreateIndex(
                name: "IX_ConsultationPlanTopics_LeadSpecialCommitteeId",
                table: "ConsultationPlanTopics",
                column: "LeadSpecialCommitteeId");

            migrationBuilder.CreateIndex(
                name: "IX_ConsultationPlanTopics_PlanId",
                table: "ConsultationPlanTopics",
                column: "PlanId");

            migrationBuilder.CreateIndex(
                name: "IX_ConsultationRecommendations_ConsultationId",
                table: "ConsultationRecommendations",
                column: "ConsultationId");

            migrationBuilder.CreateIndex(
                name: "IX_Consultations_ActivityId",
                table: "Consultations",
                column: "ActivityId");

            migrationBuilder.CreateIndex(
                name: "IX_Consultations_CommitteeId",
                table: "Consultations",
                column: "CommitteeId");

            migrationBuilder.CreateIndex(
                name: "IX_Consultations_CommitteePath",
                table: "Consultations",
                column: "CommitteePath");

            migrationBuilder.CreateIndex(
                name: "IX_Consultations_HandlingUnitId",
                table: "Consultations",
                column: "HandlingUnitId");

            migrationBuilder.CreateIndex(
                name: "IX_Consultations_PlanTopicId",
                table: "Consultations",
                column: "PlanTopicId");

            migrationBuilder.CreateIndex(
                name: "IX_DeliberationInvitees_DeliberationId_UserId",
                table: "DeliberationInvitees",
                columns: new[] { "DeliberationId", "UserId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_DeliberationMaps_DeliberationId",
                table: "DeliberationMaps",
                column: "DeliberationId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_DeliberationParticipants_DeliberationId_AddressHash_CreatedAt",
                table: "DeliberationParticipants",
                columns: new[] { "DeliberationId", "AddressHash", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_DeliberationParticipants_DeliberationId_AnonymousKey",
                table: "DeliberationParticipants",
                columns: new[] { "DeliberationId", "AnonymousKey" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_DeliberationParticipants_DeliberationId_UserId",
                table: "DeliberationParticipants",
                columns: new[] { "DeliberationId", "UserId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Deliberations_CommitteePath",
                table: "Deliberations",
                column: "CommitteePath");

            migrationBuilder.CreateIndex(
                name: "IX_Deliberations_ConsultationId",
                table: "Deliberations",
                column: "ConsultationId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Deliberations_InviteToken",
                table: "Deliberations",
                column: "InviteToken",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_DeliberationStatements_AuthorParticipantId",
                table: "DeliberationStatements",
                column: "AuthorParticipantId");

            migrationBuilder.CreateIndex(
                name: "IX_DeliberationStatements_DeliberationId_Status",
                table: "DeliberationStatements",
                columns: new[] { "DeliberationId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_DeliberationVotes_DeliberationId_UpdatedAt",
                table: "DeliberationVotes",
                columns: new[] { "DeliberationId", "UpdatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_DeliberationVotes_ParticipantId_StatementId",
                table: "DeliberationVotes",
                columns: new[] { "ParticipantId", "StatementId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_DeliberationVotes_StatementId",
                table: "DeliberationVotes",
                column: "StatementId");

            migrationBuilder.CreateIndex(
                name: "IX_RecommendationInstructions_RecommendationId",
                table: "RecommendationInstructions",
                column: "RecommendationId");

            migrationBuilder.CreateIndex(
                name: "IX_RecommendationMilestones_RecommendationId",
                table: "RecommendationMilestones",
                column: "RecommendationId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ConsultationEvents");

            migrationBuilder.DropTable(
                name: "ConsultationFiles");

            migrationBuilder.DropTable(
                name: "ConsultationParticipants");

            migrationBuilder.DropTable(
                name: "DeliberationInvitees");

            migrationBuilder.DropTable(
                name: "DeliberationMaps");

            migrationBuilder.DropTable(
                name: "DeliberationVotes");

            migrationBuilder.DropTable(
                name: "RecommendationInstructions");

            migrationBuilder.DropTable(
                name: "RecommendationMilestones");

            migrationBuilder.DropTable(
                name: "ConsultationInviteLinks");

            migrationBuilder.DropTable(
                name: "DeliberationStatements");

            migrationBuilder.DropTable(
                name: "ConsultationRecommendations");

            migrationBuilder.DropTable(
                name: "DeliberationParticipants");

            migrationBuilder.DropTable(
                name: "Deliberations");

            migrationBuilder.DropTable(
                name: "Consultations");

            migrationBuilder.DropTable(
                name: "ConsultationPlanTopics");

            migrationBuilder.DropTable(
                name: "ConsultationPlans");
        }
    }
}
